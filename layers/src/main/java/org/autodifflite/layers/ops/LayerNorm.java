package org.autodifflite.layers.ops;

import java.util.Arrays;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Layer normalization over the trailing axes: every slice of {@code X} over its last {@code k}
 * axes (by default {@code k = 1}, the last axis: one token's features) is normalized by its own
 * mean and variance, then scaled and shifted entry by entry:
 * {@code y = γ ⊙ (x − μ)/√(σ² + ε) + β}.
 *
 * <p>Inputs: {@code X} of rank ≥ k (for example batch×L×D for sequences), and {@code gamma},
 * {@code beta} shaped like the last k axes of {@code X} ({@code (D)} for the last axis). Output:
 * shaped like {@code X}. The statistics of a slice of {@code n} values are {@code μ = (1/n) Σ x}
 * and the biased {@code σ² = (1/n) Σ (x − μ)²}; no sample's output depends on another sample, so
 * a batch of one is as good as any.
 *
 * <p>Backward, with {@code x̂ = (x − μ)/s}, {@code s = √(σ² + ε)}, upstream {@code G} and
 * {@code Ĝ = G ⊙ γ}; sums over one slice for {@code ∂L/∂x}, over all slices for the parameters:
 * <pre>
 *   ∂L/∂β = Σ G        ∂L/∂γ = Σ G ⊙ x̂
 *   ∂L/∂x = (1/s) · (Ĝ − (1/n) Σ Ĝ − x̂ · (1/n) Σ Ĝ ⊙ x̂)
 * </pre>
 *
 * <p>The MLP layout (features × batch, one sample per column) has its features on axis 0, not
 * the last axis: normalize its transpose, or use {@link BatchNorm}. A slice of one value
 * ({@code D = 1}) has no spread: its output is {@code β} and the gradients of {@code X} and
 * {@code γ} are zero.
 */
public final class LayerNorm implements Op {

    /** The {@code ε} added to the variance unless another is given, as in PyTorch. */
    public static final double DEFAULT_EPSILON = 1e-5;

    private final int axes;
    private final double epsilon;

    /**
     * @param trailingAxes how many trailing axes one normalized slice spans, ≥ 1
     * @param epsilon added to the variance before the square root; finite and {@code > 0}
     * @throws IllegalArgumentException if {@code trailingAxes < 1} or {@code epsilon} is not
     *     finite and positive
     */
    public LayerNorm(int trailingAxes, double epsilon) {
        if (trailingAxes < 1) {
            throw new IllegalArgumentException("LayerNorm: the number of trailing axes to normalize over must be"
                    + " ≥ 1, got " + trailingAxes + " (1 normalizes each vector along the last axis)");
        }
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("LayerNorm: epsilon must be finite and > 0, got " + epsilon
                    + " (it keeps 1/√(σ² + ε) finite for a constant slice; the usual value is 1e-5)");
        }
        this.axes = trailingAxes;
        this.epsilon = epsilon;
    }

    /**
     * @param trailingAxes how many trailing axes one normalized slice spans, ≥ 1; with
     *     {@code ε =} {@value #DEFAULT_EPSILON}
     * @throws IllegalArgumentException if {@code trailingAxes < 1}
     */
    public LayerNorm(int trailingAxes) {
        this(trailingAxes, DEFAULT_EPSILON);
    }

    /** Normalizes over the last axis with {@code ε =} {@value #DEFAULT_EPSILON}. */
    public LayerNorm() {
        this(1, DEFAULT_EPSILON);
    }

    /** @return how many trailing axes one normalized slice spans */
    public int trailingAxes() {
        return axes;
    }

    /** @return the {@code ε} added to the variance */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public String name() {
        return "LayerNorm";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "X";
            case 1 -> "gamma";
            case 2 -> "beta";
            default -> Op.super.inputName(index);
        };
    }

    /**
     * @param inputs {@code X} (rank ≥ k), {@code gamma} and {@code beta} (the last k dims of X)
     * @return {@code γ ⊙ x̂ + β}, shaped like {@code X}
     * @throws IllegalArgumentException if the number of inputs is wrong, {@code X} has fewer than
     *     k axes or empty slices, or {@code gamma} or {@code beta} is not shaped like the last k
     *     axes of {@code X}
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int n = requireInputs(inputs);
        double[] x = inputs[0].data();
        double[] gamma = inputs[1].data();
        double[] beta = inputs[2].data();
        double[] y = new double[x.length];
        for (int start = 0; start < x.length; start += n) {
            double mean = mean(x, start, n);
            double invStd = invStd(x, start, n, mean);
            for (int j = 0; j < n; j++) {
                y[start + j] = gamma[j] * ((x[start + j] - mean) * invStd) + beta[j];
            }
        }
        return Tensor.wrap(inputs[0].dims(), y);
    }

    /**
     * @param inputs the values {@link #forward} was called with
     * @param output its result
     * @param gradOutput {@code G = ∂L/∂y}, shaped like {@code X}
     * @return {@code ∂L/∂X}, {@code ∂L/∂γ}, {@code ∂L/∂β} (see the class comment)
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int n = requireInputs(inputs);
        Tensor.requireSameShape("LayerNorm backward: gradient and X", gradOutput, inputs[0]);
        double[] x = inputs[0].data();
        double[] gamma = inputs[1].data();
        double[] g = gradOutput.data();
        double[] dx = new double[x.length];
        double[] dgamma = new double[n];
        double[] dbeta = new double[n];
        for (int start = 0; start < x.length; start += n) {
            double mean = mean(x, start, n);
            double invStd = invStd(x, start, n, mean);
            double sumGh = 0;
            double sumGhXHat = 0;
            for (int j = 0; j < n; j++) {
                int k = start + j;
                double xHat = (x[k] - mean) * invStd;
                double gh = g[k] * gamma[j];
                sumGh += gh;
                sumGhXHat += gh * xHat;
                dgamma[j] += g[k] * xHat;
                dbeta[j] += g[k];
            }
            // The slice's μ and σ² depend on each of its entries: subtract the mean of Ĝ and
            // its part along x̂.
            double meanGh = sumGh / n;
            double meanGhXHat = sumGhXHat / n;
            for (int j = 0; j < n; j++) {
                int k = start + j;
                double xHat = (x[k] - mean) * invStd;
                dx[k] = invStd * (g[k] * gamma[j] - meanGh - xHat * meanGhXHat);
            }
        }
        int[] p = inputs[1].dims();
        return new Tensor[] {Tensor.wrap(inputs[0].dims(), dx), Tensor.wrap(p, dgamma), Tensor.wrap(p, dbeta)};
    }

    private static double mean(double[] x, int start, int n) {
        double s = 0;
        for (int k = start; k < start + n; k++) {
            s += x[k];
        }
        return s / n;
    }

    /** {@code 1/√(σ² + ε)} of one slice; the variance is two-pass (no cancellation). */
    private double invStd(double[] x, int start, int n, double mean) {
        double s = 0;
        for (int k = start; k < start + n; k++) {
            double d = x[k] - mean;
            s += d * d;
        }
        return 1.0 / Math.sqrt(s / n + epsilon);
    }

    private String lastAxes() {
        return axes == 1 ? "the last axis" : "the last " + axes + " axes";
    }

    private static String subscript(int k) {
        StringBuilder sb = new StringBuilder();
        for (char c : Integer.toString(k).toCharArray()) {
            sb.append((char) ('₀' + (c - '0')));
        }
        return sb.toString();
    }

    /** Validates the inputs; returns the size of one normalized slice. */
    private int requireInputs(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        int[] dims = x.dims();
        if (dims.length < axes) {
            throw new IllegalArgumentException("LayerNorm: X is " + x.shape() + " (rank " + dims.length
                    + ") but the op normalizes over " + lastAxes() + "; X needs rank ≥ " + axes + " (…×"
                    + (axes == 1 ? "D" : "D₁×…×D" + subscript(axes)) + ", the normalized axes last)");
        }
        int[] slice = Arrays.copyOfRange(dims, dims.length - axes, dims.length);
        int n = 1;
        for (int d : slice) {
            n *= d;
        }
        if (n == 0) {
            throw new IllegalArgumentException("LayerNorm: X is " + x.shape() + "; a slice over " + lastAxes()
                    + " is empty, and an empty slice has no mean");
        }
        for (int i = 1; i <= 2; i++) {
            if (!Arrays.equals(inputs[i].dims(), slice)) {
                throw new IllegalArgumentException("LayerNorm: " + inputName(i) + " is " + inputs[i].shape()
                        + " but X is " + x.shape() + "; " + inputName(i) + " must be shaped like " + lastAxes()
                        + " of X: " + Tensor.shape(slice));
            }
        }
        return n;
    }
}
