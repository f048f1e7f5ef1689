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
        double[] xd = x.data();
        double[] wd = w.data();
        double[] bd = in[2].data();
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int width = x.dim(3);
        int f = w.dim(0);
        int k = w.dim(2);
        int oh = h + 2 * pad - k + 1;
        int ow = width + 2 * pad - k + 1;
        Tensor y = Tensor.zeros(n, f, oh, ow);
        double[] yd = y.data();
        for (int a = 0; a < n; a++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bd[o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = i - pad + u;
                                    int q = j - pad + v;
                                    if (r >= 0 && r < h && q >= 0 && q < width) {
                                        s += wd[((o * c + ch) * k + u) * k + v] * xd[((a * c + ch) * h + r) * width + q];
                                    }
                                }
                            }
                        }
                        yd[((a * f + o) * oh + i) * ow + j] = s;
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
        double[] xd = x.data();
        double[] wd = w.data();
        double[] gd = g.data();
        double[] dx = new double[xd.length];
        double[] dw = new double[wd.length];
        double[] db = new double[w.dim(0)];
        int c = x.dim(1);
        int h = x.dim(2);
        int width = x.dim(3);
        int f = w.dim(0);
        int k = w.dim(2);
        int oh = g.dim(2);
        int ow = g.dim(3);
        for (int a = 0; a < g.dim(0); a++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double gv = gd[((a * f + o) * oh + i) * ow + j];
                        db[o] += gv;
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = i - pad + u;
                                    int q = j - pad + v;
                                    if (r >= 0 && r < h && q >= 0 && q < width) {
                                        int xi = ((a * c + ch) * h + r) * width + q;
                                        int wi = ((o * c + ch) * k + u) * k + v;
                                        dw[wi] += gv * xd[xi];
                                        dx[xi] += gv * wd[wi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Tensor[] {Tensor.wrap(x.dims(), dx), Tensor.wrap(w.dims(), dw), Tensor.wrap(new int[] {f}, db)};
    }
}
