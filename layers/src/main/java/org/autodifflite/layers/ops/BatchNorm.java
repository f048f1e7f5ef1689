package org.autodifflite.layers.ops;

import java.util.Arrays;
import java.util.Objects;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Batch normalization: each feature (or channel) of {@code X} is normalized by a mean and a
 * variance, then scaled by {@code gamma} and shifted by {@code beta}:
 * {@code y = γ · (x − μ) / √(σ² + ε) + β}.
 *
 * <p><b>Layouts.</b> Two, told apart by the rank of {@code X}:
 * <ul>
 *   <li><b>features × batch</b> (rank 2, one sample per column, the layout of {@link Linear}):
 *       one statistic per row, over axis 1. {@code gamma}, {@code beta} and the running
 *       statistics are {@code F×1} columns, like a bias.</li>
 *   <li><b>images N×C×H×W</b> (rank 4, batch first): one statistic per channel, over axes 0, 2
 *       and 3. {@code gamma}, {@code beta} and the running statistics are vectors of shape
 *       {@code (C)}.</li>
 * </ul>
 * {@link #parameterDims} gives that shape for an input. Other ranks are refused with a message
 * that names both layouts.
 *
 * <p><b>Modes.</b> One op per {@link Mode}:
 * <ul>
 *   <li>{@link Mode#TRAINING} — inputs {@code X, gamma, beta}. {@code μ} and {@code σ²} are the
 *       batch's own: over the {@code n} values of a feature (n = batch for features × batch,
 *       N·H·W for images), {@code μ = (1/n) Σ x} and the biased {@code σ² = (1/n) Σ (x − μ)²}.
 *       The output of every sample then depends on every other sample of the batch, and the
 *       backward pass has the terms through {@code μ} and {@code σ²}: with {@code x̂ = (x − μ)/s},
 *       {@code s = √(σ² + ε)}, upstream {@code G}, and sums over the n values of a feature,
 *       <pre>
 *   ∂L/∂β = Σ G        ∂L/∂γ = Σ G·x̂
 *   ∂L/∂x = (γ/s) · (G − (1/n) Σ G − x̂ · (1/n) Σ G·x̂)
 *       </pre>
 *       (the last two terms are the mean's and the variance's; without them the gradient is that
 *       of a fixed affine map and wrong).</li>
 *   <li>{@link Mode#EVALUATION} — inputs {@code X, gamma, beta, runningMean, runningVar}: the
 *       statistics are the given running estimates, so each sample is normalized on its own and
 *       the op is affine in {@code X}: {@code ∂L/∂x = γ·G/√(runningVar + ε)}, and
 *       {@code ∂L/∂γ}, {@code ∂L/∂β} as above with {@code x̂ = (x − runningMean)/√(runningVar + ε)}.
 *       The running statistics are data, not differentiable ({@link #differentiable} is false;
 *       their gradient is returned as zeros).</li>
 * </ul>
 *
 * <p><b>A batch of one.</b> In training mode with one value per feature (features × batch with a
 * single column) the batch has no spread: {@code x − μ = 0} exactly, so the output is
 * {@code beta} and the gradients of {@code X} and {@code gamma} are exactly zero — what the
 * formulas give, and what the gradient checker confirms. It is not refused (a model built on a
 * one-sample trace must get through it), but a layer trained like that learns nothing from its
 * input: train with batches of 2 or more, or normalize single samples with {@link LayerNorm}.
 * Images with {@code H·W > 1} have {@code n = N·H·W > 1} even for {@code N = 1}.
 *
 * <p><b>Running statistics are state, and state lives outside the op.</b> The op is pure: the
 * running mean and variance are inputs in evaluation mode and are never written by the op.
 * A model keeps them as <em>buffers</em> and stages their new values from each training batch
 * with {@link #runningUpdate} (PyTorch's rule, momentum {@value #DEFAULT_MOMENTUM}); the model
 * applies staged values only after a successful training step, so building a graph, checking it
 * with the gradient checker ({@code checkOp}, {@code checkGraph}) or predicting never changes
 * them. With a {@code GraphModel}'s scope {@code m}:
 * <pre>{@code
 * int[] p = BatchNorm.parameterDims(h.value().dims());            // F×1, or (C) for images
 * Node gamma = m.parameter("bn1.gamma", (out, in, rng) -> Tensor.ones(out, in), p);
 * Node beta = m.parameter("bn1.beta", Initializer.zeros(), p);
 * Tensor mean = m.buffer("bn1.runningMean", Tensor.zeros(p));     // live, read-only
 * Tensor var = m.buffer("bn1.runningVar", Tensor.ones(p));
 * Node y;
 * if (m.training()) {
 *     y = m.graph().apply(BatchNorm.training(), h, gamma, beta);
 *     BatchNorm.RunningStats s = BatchNorm.runningUpdate(h.value(), mean, var);
 *     m.update("bn1.runningMean", s.mean());                      // staged, applied after the step
 *     m.update("bn1.runningVar", s.variance());
 * } else {
 *     Graph g = m.graph();
 *     y = g.apply(BatchNorm.evaluation(), h, gamma, beta,
 *             g.input("bn1.runningMean", mean), g.input("bn1.runningVar", var));
 * }
 * }</pre>
 * {@code BatchNormModelTest} runs these lines in a model, checks its training and evaluation
 * graphs and shows that neither check changes a parameter, a gradient or a running statistic.
 */
public final class BatchNorm implements Op {

    /** Which statistics normalize: the batch's own, or running estimates given as inputs. */
    public enum Mode {
        /** Batch statistics; inputs {@code X, gamma, beta}. */
        TRAINING,
        /** Running statistics as non-differentiable inputs; inputs {@code X, gamma, beta, runningMean, runningVar}. */
        EVALUATION
    }

    /** The {@code ε} added to the variance unless another is given, as in PyTorch. */
    public static final double DEFAULT_EPSILON = 1e-5;

    /** The weight of a new batch in {@link #runningUpdate(Tensor, Tensor, Tensor)}, as in PyTorch. */
    public static final double DEFAULT_MOMENTUM = 0.1;

    private static final String[] INPUTS = {"X", "gamma", "beta", "runningMean", "runningVar"};

    private final Mode mode;
    private final double epsilon;

    /**
     * @param mode training (batch statistics) or evaluation (running statistics)
     * @param epsilon added to the variance before the square root; finite and {@code > 0}
     * @throws IllegalArgumentException if {@code epsilon} is not finite and positive
     * @throws NullPointerException if {@code mode} is null
     */
    public BatchNorm(Mode mode, double epsilon) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("BatchNorm: epsilon must be finite and > 0, got " + epsilon
                    + " (it keeps 1/√(σ² + ε) finite for a feature of zero variance; the usual value is 1e-5)");
        }
        this.epsilon = epsilon;
    }

    /**
     * @param mode training or evaluation, with {@code ε =} {@value #DEFAULT_EPSILON}
     */
    public BatchNorm(Mode mode) {
        this(mode, DEFAULT_EPSILON);
    }

    /** @return the op in training mode with {@code ε =} {@value #DEFAULT_EPSILON} */
    public static BatchNorm training() {
        return new BatchNorm(Mode.TRAINING);
    }

    /** @return the op in evaluation mode with {@code ε =} {@value #DEFAULT_EPSILON} */
    public static BatchNorm evaluation() {
        return new BatchNorm(Mode.EVALUATION);
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /** @return the {@code ε} added to the variance */
    public double epsilon() {
        return epsilon;
    }

    /** @return {@code "BatchNorm"} in training mode, {@code "BatchNorm(eval)"} in evaluation mode */
    @Override
    public String name() {
        return mode == Mode.TRAINING ? "BatchNorm" : "BatchNorm(eval)";
    }

    /** @return 3 in training mode, 5 in evaluation mode */
    @Override
    public int arity() {
        return mode == Mode.TRAINING ? 3 : 5;
    }

    @Override
    public String inputName(int index) {
        return index >= 0 && index < arity() ? INPUTS[index] : Op.super.inputName(index);
    }

    /** @return true for {@code X}, {@code gamma} and {@code beta}; false for the running statistics */
    @Override
    public boolean differentiable(int index) {
        return index < 3;
    }

    /**
     * The shape of {@code gamma}, {@code beta} and the running statistics for an input:
     * {@code F×1} for features × batch, {@code (C)} for N×C×H×W.
     *
     * @param xDims the dims of {@code X}
     * @return the parameters' dims
     * @throws IllegalArgumentException if {@code X} is neither rank 2 nor rank 4
     */
    public static int[] parameterDims(int... xDims) {
        return Layout.of("BatchNorm", xDims).parameterDims();
    }

    /**
     * Normalizes {@code X}.
     *
     * @param inputs {@code X, gamma, beta} in training mode; {@code X, gamma, beta, runningMean,
     *     runningVar} in evaluation mode
     * @return {@code γ · (X − μ)/√(σ² + ε) + β}, shaped like {@code X}
     * @throws IllegalArgumentException if the number of inputs is wrong, {@code X} has a rank
     *     other than 2 or 4 or no samples, a parameter's shape does not fit the features or
     *     channels of {@code X}, or a running variance is negative or not finite
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Layout l = requireInputs(inputs);
        double[] x = inputs[0].data();
        double[] gamma = inputs[1].data();
        double[] beta = inputs[2].data();
        double[] y = new double[x.length];
        for (int c = 0; c < l.channels; c++) {
            double mean = mean(x, l, c, inputs);
            double invStd = invStd(x, l, c, mean, inputs);
            for (int o = 0; o < l.outer; o++) {
                for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                    y[k] = gamma[c] * ((x[k] - mean) * invStd) + beta[c];
                }
            }
        }
        return Tensor.wrap(inputs[0].dims(), y);
    }

    /**
     * @param inputs the values {@link #forward} was called with
     * @param output its result
     * @param gradOutput {@code G = ∂L/∂y}, shaped like {@code X}
     * @return {@code ∂L/∂X}, {@code ∂L/∂γ = Σ G·x̂}, {@code ∂L/∂β = Σ G}, and in evaluation mode
     *     zeros for the running statistics (see the class comment for {@code ∂L/∂X})
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Layout l = requireInputs(inputs);
        Tensor.requireSameShape(name() + " backward: gradient and output", gradOutput, inputs[0]);
        double[] x = inputs[0].data();
        double[] gamma = inputs[1].data();
        double[] g = gradOutput.data();
        double[] dx = new double[x.length];
        double[] dgamma = new double[l.channels];
        double[] dbeta = new double[l.channels];
        double n = l.count();
        for (int c = 0; c < l.channels; c++) {
            double mean = mean(x, l, c, inputs);
            double invStd = invStd(x, l, c, mean, inputs);
            double sumG = 0;
            double sumGxHat = 0;
            for (int o = 0; o < l.outer; o++) {
                for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                    sumG += g[k];
                    sumGxHat += g[k] * ((x[k] - mean) * invStd);
                }
            }
            dbeta[c] = sumG;
            dgamma[c] = sumGxHat;
            double scale = gamma[c] * invStd;
            if (mode == Mode.TRAINING) {
                // μ and σ² depend on every x of the feature: their terms subtract the mean of G
                // and the part of G along x̂ (the Jacobian of x ↦ x̂ projects both out).
                double meanG = sumG / n;
                double meanGxHat = sumGxHat / n;
                for (int o = 0; o < l.outer; o++) {
                    for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                        double xHat = (x[k] - mean) * invStd;
                        dx[k] = scale * (g[k] - meanG - xHat * meanGxHat);
                    }
                }
            } else {
                for (int o = 0; o < l.outer; o++) {
                    for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                        dx[k] = scale * g[k];
                    }
                }
            }
        }
        int[] p = l.parameterDims();
        Tensor[] grads = new Tensor[arity()];
        grads[0] = Tensor.wrap(inputs[0].dims(), dx);
        grads[1] = Tensor.wrap(p, dgamma);
        grads[2] = Tensor.wrap(p, dbeta);
        for (int i = 3; i < grads.length; i++) {
            grads[i] = Tensor.zerosLike(inputs[i]);
        }
        return grads;
    }

    /** The mean normalizing channel {@code c}: the batch's in training mode, the running one in evaluation. */
    private double mean(double[] x, Layout l, int c, Tensor[] inputs) {
        if (mode == Mode.EVALUATION) {
            return inputs[3].data()[c];
        }
        double s = 0;
        for (int o = 0; o < l.outer; o++) {
            for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                s += x[k];
            }
        }
        return s / l.count();
    }

    /** {@code 1/√(σ² + ε)} for channel {@code c}; the batch variance is two-pass (no cancellation). */
    private double invStd(double[] x, Layout l, int c, double mean, Tensor[] inputs) {
        double var;
        if (mode == Mode.EVALUATION) {
            var = inputs[4].data()[c];
        } else {
            double s = 0;
            for (int o = 0; o < l.outer; o++) {
                for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                    double d = x[k] - mean;
                    s += d * d;
                }
            }
            var = s / l.count();
        }
        return 1.0 / Math.sqrt(var + epsilon);
    }

    private Layout requireInputs(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Layout l = Layout.of(name(), x.dims());
        if (l.count() == 0) {
            throw new IllegalArgumentException(name() + ": X is " + x.shape() + ", an empty batch; batch"
                    + " normalization needs at least one value per " + l.unit());
        }
        for (int i = 1; i < inputs.length; i++) {
            requirePerChannel(name(), INPUTS[i], inputs[i], x, l);
        }
        if (mode == Mode.EVALUATION) {
            double[] var = inputs[4].data();
            for (int c = 0; c < var.length; c++) {
                if (!(var[c] >= 0.0) || Double.isInfinite(var[c])) {
                    throw new IllegalArgumentException(name() + ": runningVar[" + c + "] = " + var[c]
                            + "; a running variance must be finite and ≥ 0 (start it at ones and update it"
                            + " with BatchNorm.runningUpdate)");
                }
            }
        }
        return l;
    }

    private static void requirePerChannel(String op, String name, Tensor t, Tensor x, Layout l) {
        if (!Arrays.equals(t.dims(), l.parameterDims())) {
            throw new IllegalArgumentException(op + ": " + name + " is " + t.shape() + " but X is " + x.shape()
                    + " with " + l.channels + " " + l.unit() + "s (" + l.where() + "); " + name
                    + " needs one entry per " + l.unit() + ": shape " + Tensor.shape(l.parameterDims()));
        }
    }

    /**
     * New running statistics after one training batch, with momentum {@value #DEFAULT_MOMENTUM}:
     * see {@link #runningUpdate(Tensor, Tensor, Tensor, double)}.
     *
     * @param x the batch the training-mode op normalized
     * @param runningMean the running mean now (not modified)
     * @param runningVar the running variance now (not modified)
     * @return the new running mean and variance
     * @throws IllegalArgumentException as the four-argument form
     */
    public static RunningStats runningUpdate(Tensor x, Tensor runningMean, Tensor runningVar) {
        return runningUpdate(x, runningMean, runningVar, DEFAULT_MOMENTUM);
    }

    /**
     * New running statistics after one training batch, PyTorch's rule:
     * {@code mean' = (1 − momentum)·mean + momentum·μ} and
     * {@code var' = (1 − momentum)·var + momentum·σ²·n/(n − 1)}, with {@code μ} and {@code σ²}
     * the batch statistics the training-mode op normalized with and {@code n} the number of values
     * per feature — the running variance takes the unbiased estimate. With {@code n = 1} the batch
     * says nothing about the spread (the unbiased estimate is 0/0): the mean is updated and the
     * variance kept. Pure: returns new tensors and changes nothing; a model stages them (see the
     * class comment).
     *
     * @param x the batch: features × batch, or N×C×H×W
     * @param runningMean the running mean now, shaped as {@link #parameterDims} (not modified)
     * @param runningVar the running variance now, same shape (not modified)
     * @param momentum the weight of the new batch, in [0, 1]
     * @return the new running mean and variance
     * @throws IllegalArgumentException if {@code x} has a rank other than 2 or 4 or no values, a
     *     running statistic's shape does not fit it, or {@code momentum} is not in [0, 1]
     */
    public static RunningStats runningUpdate(Tensor x, Tensor runningMean, Tensor runningVar, double momentum) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(runningMean, "runningMean");
        Objects.requireNonNull(runningVar, "runningVar");
        if (!(momentum >= 0.0 && momentum <= 1.0)) {
            throw new IllegalArgumentException("BatchNorm.runningUpdate: momentum must be in [0, 1], got " + momentum
                    + " (the weight of the new batch; PyTorch's default is 0.1)");
        }
        String op = "BatchNorm.runningUpdate";
        Layout l = Layout.of(op, x.dims());
        requirePerChannel(op, "runningMean", runningMean, x, l);
        requirePerChannel(op, "runningVar", runningVar, x, l);
        if (l.count() == 0) {
            throw new IllegalArgumentException(op + ": X is " + x.shape() + ", an empty batch; it has no statistics");
        }
        double[] xd = x.data();
        double[] mean = new double[l.channels];
        double[] var = new double[l.channels];
        double n = l.count();
        for (int c = 0; c < l.channels; c++) {
            double sum = 0;
            for (int o = 0; o < l.outer; o++) {
                for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                    sum += xd[k];
                }
            }
            double mu = sum / n;
            double s = 0;
            for (int o = 0; o < l.outer; o++) {
                for (int k = l.start(o, c), end = k + l.inner; k < end; k++) {
                    double d = xd[k] - mu;
                    s += d * d;
                }
            }
            double oldVar = runningVar.data()[c];
            mean[c] = (1 - momentum) * runningMean.data()[c] + momentum * mu;
            var[c] = n > 1 ? (1 - momentum) * oldVar + momentum * (s / (n - 1)) : oldVar;
        }
        int[] p = l.parameterDims();
        return new RunningStats(Tensor.wrap(p, mean), Tensor.wrap(p, var));
    }

    /**
     * A batch norm's running statistics.
     *
     * @param mean the running mean, one entry per feature or channel
     * @param variance the running (unbiased) variance, same shape
     */
    public record RunningStats(Tensor mean, Tensor variance) {

        /**
         * @param mean the running mean
         * @param variance the running variance
         * @throws NullPointerException if either is null
         */
        public RunningStats {
            Objects.requireNonNull(mean, "mean");
            Objects.requireNonNull(variance, "variance");
        }

        /**
         * The usual starting point, PyTorch's: mean 0, variance 1.
         *
         * @param xDims the dims of the input the batch norm will see (rank 2 or 4)
         * @return zeros and ones shaped as {@link #parameterDims}
         * @throws IllegalArgumentException if the rank is neither 2 nor 4
         */
        public static RunningStats initial(int... xDims) {
            int[] p = parameterDims(xDims);
            return new RunningStats(Tensor.zeros(p), Tensor.ones(p));
        }
    }

    /**
     * {@code X} seen as {@code outer × channels × inner}, row-major: features × batch is
     * {@code 1 × F × m}, N×C×H×W is {@code N × C × H·W}. The values of channel {@code c} are the
     * {@code outer} runs of {@code inner} contiguous entries starting at {@link #start}.
     */
    private record Layout(int rank, int outer, int channels, int inner) {

        static Layout of(String op, int[] dims) {
            if (dims.length == 2) {
                return new Layout(2, 1, dims[0], dims[1]);
            }
            if (dims.length == 4) {
                return new Layout(4, dims[0], dims[1], dims[2] * dims[3]);
            }
            throw new IllegalArgumentException(op + ": X is " + Tensor.shape(dims) + " (rank " + dims.length
                    + "); batch norm takes features × batch (rank 2, one sample per column, statistics per row)"
                    + " or images N×C×H×W (rank 4, statistics per channel); reshape the input to one of them");
        }

        int start(int o, int c) {
            return (o * channels + c) * inner;
        }

        /** The number of values each statistic is taken over. */
        int count() {
            return outer * inner;
        }

        int[] parameterDims() {
            return rank == 2 ? new int[] {channels, 1} : new int[] {channels};
        }

        String unit() {
            return rank == 2 ? "feature" : "channel";
        }

        String where() {
            return rank == 2 ? "rows" : "axis 1";
        }
    }
}
