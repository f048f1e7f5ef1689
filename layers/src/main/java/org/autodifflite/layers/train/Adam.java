package org.autodifflite.layers.train;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.kernel.AdamUpdate;

/**
 * Adam (Kingma and Ba, 2015): per-entry step sizes from bias-corrected estimates of the first and
 * second moments of the gradient,
 * {@code m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η·m̂/(√v̂ + ε)} with
 * {@code m̂ = m/(1−β₁ᵗ)}, {@code v̂ = v/(1−β₂ᵗ)} and {@code t} the parameter's step count.
 * Computed as PyTorch's {@code Adam} computes it, with the bias corrections folded into two
 * factors per step — {@code θ ← θ − (η/(1−β₁ᵗ))·m / (√v·(1/√(1−β₂ᵗ)) + ε)}, one square root and one
 * division per entry — which equals the form above up to rounding.
 */
public final class Adam implements Optimizer {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<Parameter, State> states = new IdentityHashMap<>();

    /** Moment estimates and step count of one parameter. */
    private static final class State {
        final Tensor m;
        final Tensor v;
        int t;

        State(Tensor like) {
            m = Tensor.zerosLike(like);
            v = Tensor.zerosLike(like);
        }
    }

    /**
     * Adam with the usual defaults {@code β₁ = 0.9, β₂ = 0.999, ε = 1e-8}.
     *
     * @param learningRate the step size η, finite and &gt; 0
     * @throws IllegalArgumentException if the learning rate is not finite and positive
     */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    /**
     * Adam with every hyper-parameter given.
     *
     * @param learningRate the step size η, finite and &gt; 0
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the denominator, finite and &gt; 0
     * @throws IllegalArgumentException if a hyper-parameter is out of range
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Adam: learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam: beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("Adam: epsilon must be finite and > 0, got " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return "Adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ")";
    }

    @Override
    public void step(List<Parameter> parameters) {
        Optimizer.requireFiniteGradients("Adam", parameters);
        for (Parameter p : parameters) {
            State s = states.computeIfAbsent(p, q -> new State(q.value()));
            s.t++;
            double c1 = 1 - Math.pow(beta1, s.t);
            double c2 = 1 - Math.pow(beta2, s.t);
            // Bound by the divider even in its one-division form: the update is split between
            // the matmul threads for large parameters (same bits with any thread count).
            AdamUpdate.step(p.value().data(), p.grad().data(), s.m.data(), s.v.data(), learningRate, beta1, beta2,
                    epsilon, c1, c2);
        }
    }
}
