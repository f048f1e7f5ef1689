package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Batched matrix product on the last two axes, the leading (batch) axes broadcast as in NumPy's
 * {@code matmul}: for {@code a} of shape {@code …×n×k} and {@code b} of shape {@code …×k×m},
 * {@code y = a·b} of shape {@code batch×n×m}. Backward: {@code ∂L/∂a = G·bᵀ} and
 * {@code ∂L/∂b = aᵀ·G} (transposes on the last two axes), each summed over the batch axes its
 * input was broadcast along. Both operands need rank ≥ 2: a vector is a 1×k row or a k×1 column.
 *
 * <p>Not to be confused with {@link org.autodifflite.core.kernel.MatMul}, the kernels that
 * compute the products.
 */
public final class MatMul extends Binary {

    /** Creates the op; it holds no state. */
    public MatMul() {
        super("MatMul");
    }

    /**
     * @param inputs {@code a} ({@code …×n×k}) and {@code b} ({@code …×k×m}), both of rank ≥ 2,
     *     their batch axes broadcasting
     * @return {@code a·b}, shaped {@code batch×n×m}
     * @throws IllegalArgumentException if not two inputs, an operand has rank below 2, the inner
     *     sizes differ or the batch axes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        for (int i = 0; i < 2; i++) {
            if (inputs[i].rank() < 2) {
                throw new IllegalArgumentException("MatMul: " + inputName(i) + " of shape " + inputs[i].shape()
                        + " has rank " + inputs[i].rank() + " but both operands need rank ≥ 2 (a×b is "
                        + a.shape() + " × " + b.shape() + "); reshape a vector to a 1×k row or a k×1 column");
            }
        }
        if (a.dim(-1) != b.dim(-2)) {
            throw new IllegalArgumentException("MatMul: a of shape " + a.shape() + " has " + a.dim(-1)
                    + " columns (its last axis) but b of shape " + b.shape() + " has " + b.dim(-2)
                    + " rows (its second-to-last axis); they must be equal (transpose one of them?)");
        }
        Args.broadcast("MatMul", "a", a.dims(), "b", b.dims(), 2);
        return a.matmul(b);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return backward(inputs, output, gradOutput, new boolean[] {true, true});
    }

    /** Skips the product for an operand that needs no gradient (data such as a batch {@code X}). */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput, boolean[] needsInputGrad) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        return new Tensor[] {needsInputGrad[0] ? gradOutput.matmulTransposeRight(b).sumTo(a.dims()) : null,
            needsInputGrad[1] ? a.matmulTransposeLeft(gradOutput).sumTo(b.dims()) : null};
    }
}
