package org.autodifflite.layers.train;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * Stochastic gradient descent with optional (heavy-ball) momentum:
 * {@code v ← μ·v + g; θ ← θ − η·v}. With {@code μ = 0} this is plain {@code θ ← θ − η·g}.
 */
public final class Sgd implements Optimizer {

    private final double learningRate;
    private final double momentum;
    private final Map<Parameter, Tensor> velocity = new IdentityHashMap<>();

    /**
     * Plain gradient descent.
     *
     * @param learningRate the step size η, finite and &gt; 0
     * @throws IllegalArgumentException if the learning rate is not finite and positive
     */
    public Sgd(double learningRate) {
        this(learningRate, 0.0);
    }

    /**
     * Gradient descent with momentum.
     *
     * @param learningRate the step size η, finite and &gt; 0
     * @param momentum the momentum μ, in [0, 1)
     * @throws IllegalArgumentException if a hyper-parameter is out of range
     */
    public Sgd(double learningRate, double momentum) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("SGD: learning rate must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return "SGD(lr=" + learningRate + ", momentum=" + momentum + ")";
    }

    @Override
    public void step(List<Parameter> parameters) {
        Optimizer.requireFiniteGradients("SGD", parameters);
        for (Parameter p : parameters) {
            double[] theta = p.value().data();
            double[] g = p.grad().data();
            if (momentum == 0) {
                for (int i = 0; i < theta.length; i++) {
                    theta[i] -= learningRate * g[i];
                }
                continue;
            }
            double[] v = velocity.computeIfAbsent(p, q -> Tensor.zerosLike(q.value())).data();
            for (int i = 0; i < theta.length; i++) {
                v[i] = momentum * v[i] + g[i];
                theta[i] -= learningRate * v[i];
            }
        }
    }
}
