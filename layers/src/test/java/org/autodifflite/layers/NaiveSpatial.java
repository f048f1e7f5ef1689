package org.autodifflite.layers;

import org.autodifflite.core.Tensor;

/**
 * Reference implementations of the spatial ops, written as the definitions read — direct nested
 * loops over every output and every tap, nothing shared with the ops under test — and the
 * mistakes one makes writing their backward passes by hand, each behind a flag.
 */
final class NaiveSpatial {

    private NaiveSpatial() {
    }

    /** Convolution geometry: strides, paddings, dilations per axis. */
    record Geometry(int sh, int sw, int ph, int pw, int dh, int dw) {
        static Geometry of(int stride, int padding, int dilation) {
            return new Geometry(stride, stride, padding, padding, dilation, dilation);
        }

        int outH(int h, int kh) {
            return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        }

        int outW(int w, int kw) {
            return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        }
    }

    /** The mistakes a hand-written convolution backward can make. */
    enum ConvBug {
        /** None: the correct backward. */
        NONE,
        /** ∂L/∂W by convolution instead of correlation: the kernel's taps read flipped. */
        FLIPPED_KERNEL_IN_DW,
        /** The windows of the backward pass stepped by 1 whatever the stride. */
        STRIDE_IGNORED,
        /** ∂L/∂X read off the padded gradient's top-left corner instead of its interior. */
        PADDING_NOT_CROPPED
    }

    /** {@code Y[n,f,i,j] = b[f] + Σ W[f,c,u,v]·X[n,c,i·sh−ph+u·dh, j·sw−pw+v·dw]}; b may be null. */
    static Tensor conv(Tensor x, Tensor w, Tensor b, Geometry g) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int f = w.dim(0);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int oh = g.outH(h, kh);
        int ow = g.outW(wd, kw);
        Tensor y = Tensor.zeros(n, f, oh, ow);
        for (int a = 0; a < n; a++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = b == null ? 0 : b.at(o);
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int r = i * g.sh() - g.ph() + u * g.dh();
                                    int q = j * g.sw() - g.pw() + v * g.dw();
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

    /**
     * The backward pass of {@link #conv}, through a padded copy of the input and of its
     * gradient, with an optional planted bug.
     *
     * @return {@code dX, dW} and, if {@code withBias}, {@code db}
     */
    static Tensor[] convBackward(Tensor x, Tensor w, boolean withBias, Tensor gy, Geometry g, ConvBug bug) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int f = w.dim(0);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int oh = gy.dim(2);
        int ow = gy.dim(3);
        int hp = h + 2 * g.ph();
        int wp = wd + 2 * g.pw();
        int sh = bug == ConvBug.STRIDE_IGNORED ? 1 : g.sh();
        int sw = bug == ConvBug.STRIDE_IGNORED ? 1 : g.sw();
        double[][][][] xp = new double[n][c][hp][wp];
        for (int a = 0; a < n; a++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    for (int q = 0; q < wd; q++) {
                        xp[a][ch][r + g.ph()][q + g.pw()] = x.at(a, ch, r, q);
                    }
                }
            }
        }
        double[][][][] dxp = new double[n][c][hp][wp];
        Tensor dw = Tensor.zeros(w.dims());
        Tensor db = Tensor.zeros(f);
        for (int a = 0; a < n; a++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double gv = gy.at(a, o, i, j);
                        db.setAt(db.at(o) + gv, o);
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int r = i * sh + u * g.dh();
                                    int q = j * sw + v * g.dw();
                                    double xv = bug == ConvBug.FLIPPED_KERNEL_IN_DW
                                            ? xp[a][ch][i * sh + (kh - 1 - u) * g.dh()][j * sw + (kw - 1 - v) * g.dw()]
                                            : xp[a][ch][r][q];
                                    dw.setAt(dw.at(o, ch, u, v) + gv * xv, o, ch, u, v);
                                    dxp[a][ch][r][q] += gv * w.at(o, ch, u, v);
                                }
                            }
                        }
                    }
                }
            }
        }
        Tensor dx = Tensor.zeros(x.dims());
        int r0 = bug == ConvBug.PADDING_NOT_CROPPED ? 0 : g.ph();
        int q0 = bug == ConvBug.PADDING_NOT_CROPPED ? 0 : g.pw();
        for (int a = 0; a < n; a++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    for (int q = 0; q < wd; q++) {
                        dx.setAt(dxp[a][ch][r + r0][q + q0], a, ch, r, q);
                    }
                }
            }
        }
        return withBias ? new Tensor[] {dx, dw, db} : new Tensor[] {dx, dw};
    }

    /** Pooling windows: kernel, stride and padding per axis. */
    record Pool(int kh, int kw, int sh, int sw, int ph, int pw) {
        static Pool of(int kernel, int stride, int padding) {
            return new Pool(kernel, kernel, stride, stride, padding, padding);
        }

        int outH(int h) {
            return (h + 2 * ph - kh) / sh + 1;
        }

        int outW(int w) {
            return (w + 2 * pw - kw) / sw + 1;
        }
    }

    /** The max of each window, padding −∞. */
    static Tensor maxPool(Tensor x, Pool p) {
        return pool(x, p, true);
    }

    /** The mean of each window, padding counted as zeros. */
    static Tensor avgPool(Tensor x, Pool p) {
        return pool(x, p, false);
    }

    private static Tensor pool(Tensor x, Pool p, boolean max) {
        int oh = p.outH(x.dim(2));
        int ow = p.outW(x.dim(3));
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), oh, ow);
        for (int a = 0; a < x.dim(0); a++) {
            for (int ch = 0; ch < x.dim(1); ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double best = Double.NEGATIVE_INFINITY;
                        double sum = 0;
                        for (int u = 0; u < p.kh(); u++) {
                            for (int v = 0; v < p.kw(); v++) {
                                int r = i * p.sh() - p.ph() + u;
                                int q = j * p.sw() - p.pw() + v;
                                double e = r >= 0 && r < x.dim(2) && q >= 0 && q < x.dim(3) ? x.at(a, ch, r, q)
                                        : max ? Double.NEGATIVE_INFINITY : 0.0;
                                best = Math.max(best, e);
                                sum += e;
                            }
                        }
                        y.setAt(max ? best : sum / (p.kh() * p.kw()), a, ch, i, j);
                    }
                }
            }
        }
        return y;
    }

    /**
     * The backward pass of {@link #maxPool}: the gradient to the first maximum of each window,
     * or, with {@code toEveryEntry}, the planted bug that sends it to every entry of the window.
     */
    static Tensor maxPoolBackward(Tensor x, Tensor gy, Pool p, boolean toEveryEntry) {
        Tensor dx = Tensor.zeros(x.dims());
        for (int a = 0; a < x.dim(0); a++) {
            for (int ch = 0; ch < x.dim(1); ch++) {
                for (int i = 0; i < gy.dim(2); i++) {
                    for (int j = 0; j < gy.dim(3); j++) {
                        int br = -1;
                        int bq = -1;
                        for (int u = 0; u < p.kh(); u++) {
                            for (int v = 0; v < p.kw(); v++) {
                                int r = i * p.sh() - p.ph() + u;
                                int q = j * p.sw() - p.pw() + v;
                                if (r < 0 || r >= x.dim(2) || q < 0 || q >= x.dim(3)) {
                                    continue;
                                }
                                if (toEveryEntry) {
                                    dx.setAt(dx.at(a, ch, r, q) + gy.at(a, ch, i, j), a, ch, r, q);
                                } else if (br < 0 || x.at(a, ch, r, q) > x.at(a, ch, br, bq)) {
                                    br = r;
                                    bq = q;
                                }
                            }
                        }
                        if (!toEveryEntry) {
                            dx.setAt(dx.at(a, ch, br, bq) + gy.at(a, ch, i, j), a, ch, br, bq);
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** The backward pass of {@link #avgPool}: each window's gradient shared by its kh·kw taps. */
    static Tensor avgPoolBackward(Tensor x, Tensor gy, Pool p) {
        Tensor dx = Tensor.zeros(x.dims());
        for (int a = 0; a < x.dim(0); a++) {
            for (int ch = 0; ch < x.dim(1); ch++) {
                for (int i = 0; i < gy.dim(2); i++) {
                    for (int j = 0; j < gy.dim(3); j++) {
                        for (int u = 0; u < p.kh(); u++) {
                            for (int v = 0; v < p.kw(); v++) {
                                int r = i * p.sh() - p.ph() + u;
                                int q = j * p.sw() - p.pw() + v;
                                if (r >= 0 && r < x.dim(2) && q >= 0 && q < x.dim(3)) {
                                    dx.setAt(dx.at(a, ch, r, q) + gy.at(a, ch, i, j) / (p.kh() * p.kw()), a, ch, r, q);
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
