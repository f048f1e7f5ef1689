package org.autodifflite.demo;

import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A <b>planted bug</b> in a convolution, for demonstration and benchmarks: the gradient of the
 * kernel {@code W} (F×C×kh×kw) comes back flipped, rotated by 180° in its kh×kw window — the
 * classic mix-up of convolution and cross-correlation in a hand-written backward pass. The
 * forward pass and the other gradients are the wrapped op's, untouched.
 */
final class FlippedKernelGradient extends ForwardingOp {

    private final int input;

    /**
     * @param inner the correct convolution
     * @param input the index of its kernel among the inputs (1 for {@code Conv2d}'s {@code W})
     */
    FlippedKernelGradient(Op inner, int input) {
        super(inner);
        this.input = input;
    }

    @Override
    public String name() {
        return super.name() + " [planted bug: " + inputName(input) + " flipped]";
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] g = super.backward(inputs, output, gradOutput);
        g[input] = flip(g[input]);
        return g;
    }

    /** The tensor with its last two axes reversed: {@code out[…, u, v] = in[…, kh−1−u, kw−1−v]}. */
    static Tensor flip(Tensor k) {
        int[] d = k.dims();
        int kh = d[d.length - 2];
        int kw = d[d.length - 1];
        double[] in = k.data();
        double[] out = new double[in.length];
        for (int base = 0; base < in.length; base += kh * kw) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                    out[base + u * kw + v] = in[base + (kh - 1 - u) * kw + (kw - 1 - v)];
                }
            }
        }
        return Tensor.wrap(d, out);
    }
}
