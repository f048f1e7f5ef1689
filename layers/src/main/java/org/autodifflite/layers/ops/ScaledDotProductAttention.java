package org.autodifflite.layers.ops;

import java.util.Arrays;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Scaled dot-product attention as one fused op: {@code O = softmax(Q·Kᵀ/√d)·V}, the softmax
 * along the keys.
 *
 * <p>Inputs: {@code Q} (…×Lq×d), {@code K} (…×Lk×d) and {@code V} (…×Lk×dv), with the same batch
 * axes in front (batch×heads×L×d for multi-head attention; none for a single sequence). Output:
 * {@code O}, …×Lq×dv. Which keys a query may see is decided in one of two ways:
 * <ul>
 *   <li>{@link #causal()}: query {@code i} sees keys {@code 0 … i} (PyTorch's {@code is_causal},
 *       aligned top left), no extra input;</li>
 *   <li>{@link #masked()}: a fourth input {@code mask}, 1 = keep, 0 = drop, of shape Lq×Lk or
 *       any shape that broadcasts to …×Lq×Lk (NumPy's rule); it is data, not differentiable.
 *       Every query must keep at least one key (a softmax over nothing is undefined).</li>
 * </ul>
 * A dropped score is left out of its softmax: its probability is exactly 0.
 *
 * <p>Backward, with {@code S = Q·Kᵀ/√d}, {@code P = softmax(S)} and upstream {@code G}:
 * <pre>
 *   ∂L/∂V = Pᵀ·G
 *   ∂L/∂P = G·Vᵀ
 *   ∂L/∂S = P ⊙ (∂L/∂P − rowsum(∂L/∂P ⊙ P))        (the softmax's Jacobian, row by row)
 *   ∂L/∂Q = ∂L/∂S·K / √d
 *   ∂L/∂K = (∂L/∂S)ᵀ·Q / √d
 * </pre>
 * The fused op never keeps the Lq×Lk matrix {@code P} between calls (ops are pure): backward
 * recomputes it from {@code Q} and {@code K}.
 */
public final class ScaledDotProductAttention implements Op {

    private final boolean causal;
    private final boolean masked;

    private ScaledDotProductAttention(boolean causal, boolean masked) {
        this.causal = causal;
        this.masked = masked;
    }

    /** Every query sees every key; inputs {@code Q, K, V}. */
    public ScaledDotProductAttention() {
        this(false, false);
    }

    /** @return the op where query {@code i} sees keys {@code 0 … i}; inputs {@code Q, K, V} */
    public static ScaledDotProductAttention causal() {
        return new ScaledDotProductAttention(true, false);
    }

    /** @return the op with a fourth input {@code mask} (1 = keep, 0 = drop), broadcast to …×Lq×Lk */
    public static ScaledDotProductAttention masked() {
        return new ScaledDotProductAttention(false, true);
    }

    /** @return whether query {@code i} sees only keys {@code 0 … i} */
    public boolean isCausal() {
        return causal;
    }

    /** @return whether the op takes a mask as its fourth input */
    public boolean isMasked() {
        return masked;
    }

    @Override
    public String name() {
        return "ScaledDotProductAttention";
    }

    /** @return 4 with a mask input, else 3 */
    @Override
    public int arity() {
        return masked ? 4 : 3;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "Q";
            case 1 -> "K";
            case 2 -> "V";
            case 3 -> masked ? "mask" : Op.super.inputName(index);
            default -> Op.super.inputName(index);
        };
    }

    /** @return true for {@code Q, K, V}; false for the mask */
    @Override
    public boolean differentiable(int index) {
        return index < 3;
    }

    /**
     * @param inputs {@code Q} (…×Lq×d), {@code K} (…×Lk×d), {@code V} (…×Lk×dv), and the mask
     *     if the op was made with {@link #masked()}
     * @return {@code softmax(Q·Kᵀ/√d)·V}, …×Lq×dv
     * @throws IllegalArgumentException if the number of inputs is wrong, an input has fewer than
     *     2 axes, the batch axes, {@code d} or {@code Lk} differ, {@code d} or {@code Lk} is 0,
     *     or the mask does not broadcast, holds something other than 0 and 1, or drops every key
     *     of a query
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        boolean[] keep = requireInputs(inputs);
        return probabilities(inputs, keep).matmul(inputs[2]);
    }

    /**
     * @param inputs the values {@link #forward} was called with
     * @param output its result
     * @param gradOutput {@code G}, …×Lq×dv
     * @return {@code ∂L/∂Q}, {@code ∂L/∂K}, {@code ∂L/∂V} (see the class comment), and zeros for
     *     the mask
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        boolean[] keep = requireInputs(inputs);
        Tensor q = inputs[0];
        Tensor k = inputs[1];
        Tensor v = inputs[2];
        Tensor.requireSameShape(name() + " backward: gradient and output", gradOutput, output);
        Tensor p = probabilities(inputs, keep);
        Tensor dv = p.matmulTransposeLeft(gradOutput);
        Tensor dp = gradOutput.matmulTransposeRight(v);
        // Softmax backward row by row: dS = P ⊙ (dP − Σ_keys dP ⊙ P). Dropped keys have P = 0, so
        // their scores get no gradient.
        double[] pd = p.data();
        double[] ds = dp.data();
        int lk = k.dim(-2);
        for (int row = 0; row < pd.length; row += lk) {
            double dot = 0;
            for (int j = row; j < row + lk; j++) {
                dot += ds[j] * pd[j];
            }
            for (int j = row; j < row + lk; j++) {
                ds[j] = pd[j] * (ds[j] - dot);
            }
        }
        // S = Q·Kᵀ/√d, so the 1/√d comes back on both of its operands' gradients.
        double scale = 1.0 / Math.sqrt(q.dim(-1));
        Tensor dq = dp.matmul(k).scale(scale);
        Tensor dk = dp.matmulTransposeLeft(q).scale(scale);
        return masked ? new Tensor[] {dq, dk, dv, Tensor.zerosLike(inputs[3])} : new Tensor[] {dq, dk, dv};
    }

    /** {@code P = softmax(Q·Kᵀ/√d)} along the keys, dropped scores left out, …×Lq×Lk. */
    private static Tensor probabilities(Tensor[] inputs, boolean[] keep) {
        Tensor q = inputs[0];
        Tensor s = q.matmulTransposeRight(inputs[1]).scale(1.0 / Math.sqrt(q.dim(-1)));
        double[] p = s.data();
        int lk = inputs[1].dim(-2);
        for (int row = 0; row < p.length; row += lk) {
            // Shift by the largest kept score so no exponential overflows.
            double max = Double.NEGATIVE_INFINITY;
            for (int j = row; j < row + lk; j++) {
                if (keep == null || keep[j]) {
                    max = Math.max(max, p[j]);
                }
            }
            double sum = 0;
            for (int j = row; j < row + lk; j++) {
                double e = keep == null || keep[j] ? Math.exp(p[j] - max) : 0.0;
                p[j] = e;
                sum += e;
            }
            for (int j = row; j < row + lk; j++) {
                p[j] /= sum;
            }
        }
        return s;
    }

    /**
     * Validates the inputs; returns which scores are kept (row-major over …×Lq×Lk), or null when
     * all are.
     */
    private boolean[] requireInputs(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor q = inputs[0];
        Tensor k = inputs[1];
        Tensor v = inputs[2];
        for (int i = 0; i < 3; i++) {
            if (inputs[i].rank() < 2) {
                throw new IllegalArgumentException(name() + ": " + inputName(i) + " is " + inputs[i].shape()
                        + " (rank " + inputs[i].rank() + "); Q, K and V need at least 2 axes: Q …×Lq×d, K …×Lk×d,"
                        + " V …×Lk×dv (a single sequence is L×d; a batch goes in front)");
            }
        }
        int[] batch = batchDims(q);
        if (!Arrays.equals(batch, batchDims(k)) || !Arrays.equals(batch, batchDims(v))) {
            throw new IllegalArgumentException(name() + ": Q is " + q.shape() + ", K is " + k.shape() + " and V is "
                    + v.shape() + "; their batch axes (all but the last two) must be the same");
        }
        int d = q.dim(-1);
        if (k.dim(-1) != d) {
            throw new IllegalArgumentException(name() + ": Q is " + q.shape() + " but K is " + k.shape()
                    + "; queries and keys need the same size d on their last axis (Q …×Lq×d, K …×Lk×d)");
        }
        int lk = k.dim(-2);
        if (v.dim(-2) != lk) {
            throw new IllegalArgumentException(name() + ": K is " + k.shape() + " but V is " + v.shape()
                    + "; V needs one row per key, Lk = " + lk + " (K …×Lk×d, V …×Lk×dv)");
        }
        if (d == 0 || lk == 0) {
            throw new IllegalArgumentException(name() + ": Q is " + q.shape() + " and K is " + k.shape()
                    + "; attention needs d ≥ 1 and at least one key (Lk ≥ 1)");
        }
        if (!causal && !masked) {
            return null;
        }
        int lq = q.dim(-2);
        int[] scoreDims = Arrays.copyOf(batch, batch.length + 2);
        scoreDims[batch.length] = lq;
        scoreDims[batch.length + 1] = lk;
        boolean[] keep = new boolean[Math.multiplyExact(q.size() / d, lk)];   // one per score
        if (masked) {
            Tensor mask = inputs[3];
            Tensor full;
            try {
                full = Tensor.zeros(scoreDims).add(mask);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name() + ": mask is " + mask.shape() + " but the scores Q·Kᵀ are "
                        + Tensor.shape(scoreDims) + "; the mask must broadcast to them (Lq×Lk, or with batch axes)", e);
            }
            if (!Arrays.equals(full.dims(), scoreDims)) {
                throw new IllegalArgumentException(name() + ": mask is " + mask.shape() + " but the scores Q·Kᵀ are "
                        + Tensor.shape(scoreDims) + "; the mask must broadcast to them without adding axes");
            }
            double[] m = full.data();
            for (int j = 0; j < m.length; j++) {
                if (m[j] != 0.0 && m[j] != 1.0) {
                    throw new IllegalArgumentException(name() + ": mask entry " + Arrays.toString(full.unravel(j))
                            + " = " + m[j] + "; mask entries must be 1 (keep) or 0 (drop)");
                }
                keep[j] = m[j] == 1.0;
            }
        } else {
            Arrays.fill(keep, true);
        }
        for (int row = 0; row < keep.length; row += lk) {
            int i = (row / lk) % lq;
            boolean any = false;
            for (int j = 0; j < lk; j++) {
                if (causal && j > i) {
                    keep[row + j] = false;
                }
                any |= keep[row + j];
            }
            if (!any) {
                throw new IllegalArgumentException(name() + ": the mask drops every key of query "
                        + Arrays.toString(queryIndex(row / lk, batch, lq))
                        + "; every query must keep at least one key (a softmax over no scores is undefined)");
            }
        }
        return keep;
    }

    private static int[] batchDims(Tensor t) {
        int[] d = t.dims();
        return Arrays.copyOf(d, d.length - 2);
    }

    /** The (batch…, query) position of the {@code r}-th query row. */
    private static int[] queryIndex(int r, int[] batch, int lq) {
        int[] out = new int[batch.length + 1];
        out[batch.length] = r % lq;
        r /= lq;
        for (int a = batch.length - 1; a >= 0; a--) {
            out[a] = r % batch[a];
            r /= batch[a];
        }
        return out;
    }
}
