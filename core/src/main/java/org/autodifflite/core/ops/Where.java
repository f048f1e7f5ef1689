package org.autodifflite.core.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Element-wise choice with NumPy broadcasting over all three inputs:
 * {@code y = mask ≠ 0 ? a : b}. Backward: {@code ∂L/∂a = G·[mask ≠ 0]},
 * {@code ∂L/∂b = G·[mask = 0]}, each summed over the axes its input was broadcast along. The mask
 * is data, not differentiable: its gradient is zeros (NaN counts as non-zero, as in C).
 */
public final class Where implements Op {

    private static final String NAME = "Where";

    /** Creates the op; it holds no state. */
    public Where() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public String inputName(int index) {
        switch (index) {
            case 0:
                return "mask";
            case 1:
                return "a";
            case 2:
                return "b";
            default:
                return Op.super.inputName(index);
        }
    }

    /** @return {@code false} for the mask, {@code true} for {@code a} and {@code b} */
    @Override
    public boolean differentiable(int index) {
        return index != 0;
    }

    /**
     * @param inputs {@code mask}, {@code a} and {@code b}, shapes that broadcast together
     * @return {@code a} where the mask is non-zero, {@code b} elsewhere, shaped like the
     *     broadcast of all three
     * @throws IllegalArgumentException if not three inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor m = inputs[0];
        Tensor a = inputs[1];
        Tensor b = inputs[2];
        int[] ab = Args.broadcast(NAME, "a", a.dims(), "b", b.dims());
        int[] dims = Args.broadcast(NAME, "mask", m.dims(), "a and b broadcast together", ab);
        double[] md = m.broadcastTo(dims).data();
        double[] ad = a.broadcastTo(dims).data();
        double[] bd = b.broadcastTo(dims).data();
        double[] y = new double[md.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = md[k] != 0 ? ad[k] : bd[k];
        }
        return Tensor.wrap(dims, y);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor m = inputs[0];
        return new Tensor[] {Tensor.zerosLike(m), select(m, gradOutput, true).sumTo(inputs[1].dims()),
            select(m, gradOutput, false).sumTo(inputs[2].dims())};
    }

    /**
     * The upstream gradient where a mask (broadcast to its shape) is non-zero ({@code whereTrue})
     * or zero, and 0 elsewhere.
     */
    static Tensor select(Tensor mask, Tensor gradOutput, boolean whereTrue) {
        return gradOutput.zip(NAME + " backward", mask, (g, m) -> (m != 0) == whereTrue ? g : 0.0);
    }
}
