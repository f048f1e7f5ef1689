package org.autodifflite.layers;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.AvgPool2d;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.Flatten;
import org.autodifflite.layers.ops.MaxPool2d;

/**
 * Seeded inputs for the spatial ops ({@link Conv2d}, {@link MaxPool2d}, {@link AvgPool2d},
 * {@link Flatten}): the edge shapes first — 1×1 images, a kernel as large as the padded input,
 * a stride larger than the kernel (pixels no window holds), dilation, odd and per-axis sizes,
 * batch 1, one channel, no bias — then random geometries (batch 1–2, 1–3 channels and filters,
 * kernels 1–3, strides 1–3, padding 0–2, dilation 1–2, images up to 9×9).
 */
final class SpatialCases {

    private SpatialCases() {
    }

    /** The spatial ops, by kind. */
    enum Kind {
        CONV, MAX_POOL, AVG_POOL, FLATTEN
    }

    /**
     * One op and its inputs, with the geometry the reference implementation needs.
     *
     * @param name what the case is
     * @param op the op
     * @param inputs its inputs
     * @param conv the convolution's geometry, or null
     * @param pool the pooling windows, or null
     */
    record Case(String name, Op op, Tensor[] inputs, NaiveSpatial.Geometry conv, NaiveSpatial.Pool pool) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The number of edge cases each kind has before the random ones. */
    static int edges(Kind kind) {
        return switch (kind) {
            case CONV -> 7;
            case MAX_POOL, AVG_POOL -> 5;
            case FLATTEN -> 3;
        };
    }

    /**
     * Case {@code k} of a kind: an edge case for {@code k < edges(kind)}, else a random one.
     *
     * @param kind the op
     * @param k the case number
     * @param rng the generator for the values (and, for a random case, the geometry)
     * @return the case
     */
    static Case draw(Kind kind, int k, RandomGenerator rng) {
        return switch (kind) {
            case CONV -> k < edges(kind) ? convEdge(k, rng) : randomConv(rng);
            case MAX_POOL, AVG_POOL -> k < edges(kind) ? poolEdge(kind, k, rng) : randomPool(kind, rng);
            case FLATTEN -> flatten(k, rng);
        };
    }

    /** @return the edge cases of a kind, each with fresh values from {@code rng} */
    static List<Case> edgeCases(Kind kind, RandomGenerator rng) {
        List<Case> out = new ArrayList<>();
        for (int k = 0; k < edges(kind); k++) {
            out.add(draw(kind, k, rng));
        }
        return out;
    }

    private static Case convEdge(int k, RandomGenerator rng) {
        return switch (k) {
            case 0 -> conv("1×1 image, 1×1 kernel, batch 1, one channel", 1, 1, 1, 1, 1, 1, 1,
                    new NaiveSpatial.Geometry(1, 1, 0, 0, 1, 1), true, rng);
            case 1 -> conv("1×1 image, 3×3 kernel, padding 1", 1, 2, 1, 1, 3, 3, 3,
                    NaiveSpatial.Geometry.of(1, 1, 1), true, rng);
            case 2 -> conv("kernel as large as the padded input (6×5 on 4×3 padded by 1)", 2, 2, 4, 3, 2, 6, 5,
                    NaiveSpatial.Geometry.of(1, 1, 1), true, rng);
            case 3 -> conv("stride 3 larger than the 2×1 kernel", 1, 2, 7, 8, 2, 2, 1,
                    NaiveSpatial.Geometry.of(3, 0, 1), true, rng);
            case 4 -> conv("dilation 2, padding 2", 2, 1, 7, 6, 2, 3, 3, NaiveSpatial.Geometry.of(1, 2, 2), true, rng);
            case 5 -> conv("odd sizes, per-axis stride, padding and dilation", 1, 3, 5, 7, 2, 3, 2,
                    new NaiveSpatial.Geometry(2, 1, 1, 0, 1, 2), true, rng);
            default -> conv("no bias, batch 2, stride 2, padding 1", 2, 2, 6, 5, 3, 3, 3,
                    NaiveSpatial.Geometry.of(2, 1, 1), false, rng);
        };
    }

    private static Case randomConv(RandomGenerator rng) {
        int n = 1 + rng.nextInt(2);
        int c = 1 + rng.nextInt(3);
        int f = 1 + rng.nextInt(3);
        int kh = 1 + rng.nextInt(3);
        int kw = 1 + rng.nextInt(3);
        NaiveSpatial.Geometry g = new NaiveSpatial.Geometry(1 + rng.nextInt(3), 1 + rng.nextInt(3), rng.nextInt(3),
                rng.nextInt(3), 1 + rng.nextInt(2), 1 + rng.nextInt(2));
        int h = Math.max(1, g.dh() * (kh - 1) + 1 - 2 * g.ph()) + rng.nextInt(5);
        int w = Math.max(1, g.dw() * (kw - 1) + 1 - 2 * g.pw()) + rng.nextInt(5);
        boolean bias = rng.nextInt(5) != 0;
        return conv("random", n, c, h, w, f, kh, kw, g, bias, rng);
    }

    /** A convolution case with standard normal inputs. */
    static Case conv(String name, int n, int c, int h, int w, int f, int kh, int kw, NaiveSpatial.Geometry g,
            boolean bias, RandomGenerator rng) {
        Conv2d op = new Conv2d(g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), bias);
        Tensor x = Tensor.randn(new int[] {n, c, h, w}, rng);
        Tensor wt = Tensor.randn(new int[] {f, c, kh, kw}, rng);
        Tensor[] in = bias ? new Tensor[] {x, wt, Tensor.randn(new int[] {f}, rng)} : new Tensor[] {x, wt};
        String what = name + ": X " + x.shape() + ", W " + wt.shape() + ", " + op;
        return new Case(what, op, in, g, null);
    }

    private static Case poolEdge(Kind kind, int k, RandomGenerator rng) {
        return switch (k) {
            case 0 -> pool(kind, "1×1 image, kernel 1, batch 1, one channel", 1, 1, 1, 1,
                    NaiveSpatial.Pool.of(1, 1, 0), rng);
            case 1 -> pool(kind, "kernel 5 as large as the 3×3 input padded by 1", 1, 2, 3, 3,
                    NaiveSpatial.Pool.of(5, 1, 1), rng);
            case 2 -> pool(kind, "stride 3 larger than the kernel 2", 2, 1, 8, 7, NaiveSpatial.Pool.of(2, 3, 0), rng);
            case 3 -> pool(kind, "overlapping windows: kernel 3, stride 1, padding 1", 1, 2, 5, 5,
                    NaiveSpatial.Pool.of(3, 1, 1), rng);
            default -> pool(kind, "odd sizes, per-axis kernel, stride and padding", 2, 3, 5, 7,
                    new NaiveSpatial.Pool(3, 2, 2, 1, 1, 0), rng);
        };
    }

    private static Case randomPool(Kind kind, RandomGenerator rng) {
        int kh = 1 + rng.nextInt(3);
        int kw = 1 + rng.nextInt(3);
        NaiveSpatial.Pool p = new NaiveSpatial.Pool(kh, kw, 1 + rng.nextInt(3), 1 + rng.nextInt(3),
                rng.nextInt(kh / 2 + 1), rng.nextInt(kw / 2 + 1));
        int h = Math.max(1, kh - 2 * p.ph()) + rng.nextInt(5);
        int w = Math.max(1, kw - 2 * p.pw()) + rng.nextInt(5);
        return pool(kind, "random", 1 + rng.nextInt(2), 1 + rng.nextInt(3), h, w, p, rng);
    }

    /** A pooling case with standard normal inputs. */
    static Case pool(Kind kind, String name, int n, int c, int h, int w, NaiveSpatial.Pool p, RandomGenerator rng) {
        Op op = kind == Kind.MAX_POOL ? new MaxPool2d(p.kh(), p.kw(), p.sh(), p.sw(), p.ph(), p.pw())
                : new AvgPool2d(p.kh(), p.kw(), p.sh(), p.sw(), p.ph(), p.pw());
        Tensor x = Tensor.randn(new int[] {n, c, h, w}, rng);
        return new Case(name + ": X " + x.shape() + ", " + op, op, new Tensor[] {x}, null, p);
    }

    private static Case flatten(int k, RandomGenerator rng) {
        int[] dims = switch (k) {
            case 0 -> new int[] {1, 1, 1, 1};
            case 1 -> new int[] {3, 2};
            case 2 -> new int[] {2, 3, 1, 4, 2};
            default -> new int[] {1 + rng.nextInt(3), 1 + rng.nextInt(3), 1 + rng.nextInt(4), 1 + rng.nextInt(4)};
        };
        Tensor x = Tensor.randn(dims, rng);
        return new Case((k < 3 ? "edge" : "random") + ": X " + x.shape(), new Flatten(), new Tensor[] {x}, null, null);
    }

    /** The reference forward of a case. */
    static Tensor reference(Case c) {
        if (c.conv() != null) {
            Tensor[] in = c.inputs();
            return NaiveSpatial.conv(in[0], in[1], in.length > 2 ? in[2] : null, c.conv());
        }
        if (c.pool() != null) {
            return c.op() instanceof MaxPool2d ? NaiveSpatial.maxPool(c.inputs()[0], c.pool())
                    : NaiveSpatial.avgPool(c.inputs()[0], c.pool());
        }
        Tensor x = c.inputs()[0];
        int n = x.dim(0);
        Tensor y = Tensor.zeros(x.size() / n, n);
        for (int e = 0; e < x.size(); e++) {
            y.setAt(x.data()[e], e % (x.size() / n), e / (x.size() / n));
        }
        return y;
    }

    /** The reference backward of a case, for upstream gradient {@code g}. */
    static Tensor[] referenceBackward(Case c, Tensor g) {
        Tensor[] in = c.inputs();
        if (c.conv() != null) {
            return NaiveSpatial.convBackward(in[0], in[1], in.length > 2, g, c.conv(), NaiveSpatial.ConvBug.NONE);
        }
        if (c.pool() != null) {
            return new Tensor[] {c.op() instanceof MaxPool2d ? NaiveSpatial.maxPoolBackward(in[0], g, c.pool(), false)
                    : NaiveSpatial.avgPoolBackward(in[0], g, c.pool())};
        }
        Tensor x = in[0];
        int n = x.dim(0);
        int k = x.size() / n;
        Tensor dx = Tensor.zeros(x.dims());
        for (int e = 0; e < x.size(); e++) {
            dx.data()[e] = g.at(e % k, e / k);
        }
        return new Tensor[] {dx};
    }
}
