package org.autodifflite.bench;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A convolution as a user writes it first: stride 1, square zero padding, nested loops, an
 * {@link Op} and nothing more (no incremental evaluation for the checker). The yardstick
 * {@link ConvCheckBenchmark} times the shipped {@code Conv2d} against.
 */
public final class NaiveConv2d implements Op {

    private final int pad;

    /**
     * @param pad zeros added on each side
     */
    public NaiveConv2d(int pad) {
        this.pad = pad;
    }

    @Override
    public String name() {
        return "NaiveConv2d";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor w = in[1];
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int f = w.dim(0);
        int k = w.dim(2);
        int oh = h + 2 * pad - k + 1;
        int ow = wd + 2 * pad - k + 1;
        Tensor y = Tensor.zeros(n, f, oh, ow);
        for (int a = 0; a < n; a++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = in[2].data()[o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = i - pad + u;
                                    int q = j - pad + v;
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        s += w.at(o, ch, u, v) * x.at(a, ch, r, q);
                                    }
                                }
                            }
                        }
                        y.setAt(s, a, o, i, j);
                    }
                }
            }
        }
        return y;
    }

    @Override
    public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
        Tensor x = in[0];
        Tensor w = in[1];
        Tensor dx = Tensor.zeros(x.dims());
        Tensor dw = Tensor.zeros(w.dims());
        Tensor db = Tensor.zeros(w.dim(0));
        int k = w.dim(2);
        for (int a = 0; a < g.dim(0); a++) {
            for (int o = 0; o < g.dim(1); o++) {
                for (int i = 0; i < g.dim(2); i++) {
                    for (int j = 0; j < g.dim(3); j++) {
                        double gv = g.at(a, o, i, j);
                        db.data()[o] += gv;
                        for (int ch = 0; ch < x.dim(1); ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = i - pad + u;
                                    int q = j - pad + v;
                                    if (r >= 0 && r < x.dim(2) && q >= 0 && q < x.dim(3)) {
                                        dw.setAt(dw.at(o, ch, u, v) + gv * x.at(a, ch, r, q), o, ch, u, v);
                                        dx.setAt(dx.at(a, ch, r, q) + gv * w.at(o, ch, u, v), a, ch, r, q);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Tensor[] {dx, dw, db};
    }
}
