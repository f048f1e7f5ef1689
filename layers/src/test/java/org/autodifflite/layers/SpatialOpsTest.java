package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.layers.ops.AvgPool2d;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.Flatten;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MaxPool2d;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The spatial ops compute what their definitions say: forward and backward against direct
 * nested-loop implementations (within 1e-12) on the edge shapes and seeded random geometries;
 * the checker's allocation-free and incremental forwards give exactly forward's bits for
 * single entries, runs of entries, several planes and images; the first layer's ∂L/∂X is
 * skipped when not needed; a NaN pixel reaches exactly the outputs whose windows hold it.
 */
class SpatialOpsTest {

    private static final int CASES = 300;

    @ParameterizedTest(name = "{0}")
    @EnumSource(SpatialCases.Kind.class)
    void forwardAndBackwardAreTheNestedLoopDefinitions(SpatialCases.Kind kind) {
        for (int k = 0; k < CASES; k++) {
            SpatialCases.Case c = SpatialCases.draw(kind, k, new Well19937c(7_000 + k));
            Tensor y = c.op().forward(c.inputs());
            Tensor ref = SpatialCases.reference(c);
            assertThat(y.dims()).as("%s", c).containsExactly(ref.dims());
            assertClose(y, ref, c + ": forward");
            Tensor g = Tensor.randn(y.dims(), 11L + k);
            Tensor[] grads = c.op().backward(c.inputs(), y, g);
            Tensor[] want = SpatialCases.referenceBackward(c, g);
            assertThat(grads).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertThat(grads[i].dims()).as("%s: gradient %d", c, i).containsExactly(want[i].dims());
                assertClose(grads[i], want[i], c + ": gradient of " + c.op().inputName(i));
            }
        }
    }

    /**
     * Small images in chunks of the stacked path that run side by side on the threads (the
     * digits CNN's second conv: 64 images of 8×4×4, 16 filters, three chunks; and its first,
     * two chunks): the definition, forwardInto's bits, and a backward whose bits do not change
     * from one call to the next, whichever thread takes which chunk.
     */
    @Test
    void stackedChunksOnSeveralThreadsAreTheDefinitionAndKeepTheirBits() {
        Well19937c rng = new Well19937c(5);
        for (SpatialCases.Case c : List.of(
                SpatialCases.conv("second conv", 64, 8, 4, 4, 16, 3, 3, NaiveSpatial.Geometry.of(1, 1, 1), true, rng),
                SpatialCases.conv("first conv", 64, 1, 8, 8, 8, 3, 3, NaiveSpatial.Geometry.of(1, 1, 1), true, rng),
                SpatialCases.conv("strided, no bias", 37, 3, 7, 7, 5, 3, 2, NaiveSpatial.Geometry.of(2, 1, 1), false,
                        rng))) {
            Tensor y = c.op().forward(c.inputs());
            assertClose(y, SpatialCases.reference(c), c + ": forward");
            Tensor alone = Tensor.zerosLike(y);
            ((FastForward) c.op()).forwardInto(alone, c.inputs());
            assertThat(alone).as("%s: forwardInto", c).isEqualTo(y);
            Tensor g = Tensor.randn(y.dims(), 6L);
            Tensor[] grads = c.op().backward(c.inputs(), y, g);
            Tensor[] want = SpatialCases.referenceBackward(c, g);
            for (int i = 0; i < grads.length; i++) {
                assertClose(grads[i], want[i], c + ": gradient " + i);
            }
            for (int again = 0; again < 5; again++) {
                assertThat(c.op().backward(c.inputs(), y, g)).as("%s: backward again", c).containsExactly(grads);
            }
        }
    }

    /**
     * Large enough that the convolution splits its images between the matmul kernel's threads
     * (when there are several): still the definition, and the bits of the one-thread
     * {@code forwardInto}.
     */
    @Test
    void aBatchSplitBetweenThreadsIsTheDefinitionToo() {
        SpatialCases.Case c = SpatialCases.conv("split", 30, 8, 16, 16, 4, 3, 3,
                NaiveSpatial.Geometry.of(1, 1, 1), true, new Well19937c(3));
        Tensor y = c.op().forward(c.inputs());
        assertClose(y, SpatialCases.reference(c), "forward");
        Tensor alone = Tensor.zerosLike(y);
        ((FastForward) c.op()).forwardInto(alone, c.inputs());
        assertThat(alone).isEqualTo(y);
        Tensor g = Tensor.randn(y.dims(), 4L);
        Tensor[] grads = c.op().backward(c.inputs(), y, g);
        Tensor[] want = SpatialCases.referenceBackward(c, g);
        for (int i = 0; i < 3; i++) {
            assertClose(grads[i], want[i], "gradient " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SpatialCases.Kind.class)
    void theFastForwardsGiveForwardsBits(SpatialCases.Kind kind) {
        for (int k = 0; k < 150; k++) {
            Well19937c rng = new Well19937c(9_000 + k);
            assertFastForwardsGiveForwardsBits(SpatialCases.draw(kind, k, rng), rng, 12);
        }
    }

    /**
     * Both ways a convolution multiplies: images one at a time when an output plane is large
     * (12×12 = 144 positions), and, for small planes (8×8 digits), a chunk of images side by side
     * in one product — here 70 images of 64 positions, so two chunks of 64 and 6 images. Each is
     * the definition, its {@code forwardInto} and incremental forward give forward's bits in
     * either chunk, and its gradients are the definition's.
     */
    @Test
    void imagesMultipliedOneAtATimeOrStackedInChunksAreTheDefinition() {
        Well19937c rng = new Well19937c(12);
        for (SpatialCases.Case c : new SpatialCases.Case[] {
            SpatialCases.conv("per image", 3, 2, 12, 12, 3, 3, 3, NaiveSpatial.Geometry.of(1, 1, 1), true, rng),
            SpatialCases.conv("stacked, two chunks", 70, 2, 8, 8, 5, 3, 3, NaiveSpatial.Geometry.of(1, 1, 1), true, rng),
            SpatialCases.conv("stacked, no bias", 9, 3, 6, 7, 4, 2, 3, new NaiveSpatial.Geometry(1, 2, 1, 0, 1, 1),
                    false, rng)}) {
            Tensor y = c.op().forward(c.inputs());
            assertClose(y, SpatialCases.reference(c), c + ": forward");
            Tensor g = Tensor.randn(y.dims(), 5L);
            Tensor[] grads = c.op().backward(c.inputs(), y, g);
            Tensor[] want = SpatialCases.referenceBackward(c, g);
            for (int i = 0; i < want.length; i++) {
                assertClose(grads[i], want[i], c + ": gradient of " + c.op().inputName(i));
            }
            assertFastForwardsGiveForwardsBits(c, rng, 40);
            // A pixel of the last image, in the second chunk of the stacked case.
            Tensor[] in = c.inputs();
            Tensor before = c.op().forward(in);
            int last = in[0].size() - 1 - rng.nextInt(in[0].size() / in[0].dim(0));
            in[0].data()[last] += 1.5;
            Tensor got = before.copy();
            assertThat(((FastForward) c.op()).forwardEntriesInto(got, 0, last, last + 1, in)).isTrue();
            assertThat(got).as("%s: a pixel of the last image", c).isEqualTo(c.op().forward(in));
        }
    }

    private static void assertFastForwardsGiveForwardsBits(SpatialCases.Case c, Well19937c rng, int trials) {
        FastForward op = (FastForward) c.op();
        Tensor[] in = c.inputs();
        Tensor y = op.forward(in);
        Tensor buf = Tensor.zerosLike(y);
        buf.fill(Double.NaN);
        op.forwardInto(buf, in);
        assertThat(buf).as("%s: forwardInto", c).isEqualTo(y);
        for (int trial = 0; trial < trials; trial++) {
            int i = rng.nextInt(in.length);
            int size = in[i].size();
            int from;
            int to;
            switch (trial % 4) {
                case 0 -> {                        // one entry, as the checker perturbs
                    from = rng.nextInt(size);
                    to = from + 1;
                }
                case 1 -> {                        // a short run, maybe across rows
                    from = rng.nextInt(size);
                    to = Math.min(size, from + 1 + rng.nextInt(6));
                }
                case 2 -> {                        // a long run, across planes and images
                    from = rng.nextInt(size);
                    to = from + rng.nextInt(size - from + 1);
                }
                default -> {
                    from = 0;
                    to = size;
                }
            }
            Tensor before = op.forward(in);
            double[] saved = in[i].data().clone();
            for (int e = from; e < to; e++) {
                in[i].data()[e] += rng.nextGaussian();
            }
            Tensor want = op.forward(in);
            Tensor got = before.copy();
            assertThat(op.forwardEntriesInto(got, i, from, to, in)).isTrue();
            assertThat(got).as("%s: entries [%d, %d) of %s changed", c, from, to, op.inputName(i)).isEqualTo(want);
            System.arraycopy(saved, 0, in[i].data(), 0, saved.length);
            assertThat(op.forwardEntriesInto(got, i, from, to, in)).isTrue();
            assertThat(got).as("%s: entries [%d, %d) of %s put back", c, from, to, op.inputName(i))
                    .isEqualTo(before);
        }
    }

    @Test
    void theFirstLayersInputGradientIsSkippedAndTheOthersAreUnchanged() {
        SpatialCases.Case c = SpatialCases.draw(SpatialCases.Kind.CONV, 6, new Well19937c(5));
        Tensor y = c.op().forward(c.inputs());
        Tensor g = Tensor.randn(y.dims(), 6L);
        Tensor[] all = c.op().backward(c.inputs(), y, g);
        Tensor[] some = c.op().backward(c.inputs(), y, g, new boolean[] {false, true});
        assertThat(some[0]).isNull();
        assertThat(some[1]).isEqualTo(all[1]);
        Tensor[] onlyX = c.op().backward(c.inputs(), y, g, new boolean[] {true, false});
        assertThat(onlyX[0]).isEqualTo(all[0]);
        assertThat(onlyX[1]).isNull();

        // ∂L/∂b alone (no ∂L/∂W to compute it alongside): the same sums, added in another order.
        SpatialCases.Case biased = SpatialCases.draw(SpatialCases.Kind.CONV, 5, new Well19937c(6));
        Tensor yb = biased.op().forward(biased.inputs());
        Tensor gb = Tensor.randn(yb.dims(), 7L);
        Tensor[] full = biased.op().backward(biased.inputs(), yb, gb);
        Tensor[] onlyB = biased.op().backward(biased.inputs(), yb, gb, new boolean[] {false, false, true});
        assertThat(onlyB[0]).isNull();
        assertThat(onlyB[1]).isNull();
        assertClose(onlyB[2], full[2], "∂L/∂b alone");

        // Through a graph: X is data, so the engine asks for no ∂L/∂X; W and b get theirs.
        Graph graph = new Graph();
        Tensor x = Tensor.randn(new int[] {2, 3, 6, 6}, 1L);
        Node xn = graph.input("x", x);
        Parameter w = new Parameter("conv.weight", Tensor.randn(new int[] {4, 3, 3, 3}, 2L));
        Parameter b = new Parameter("conv.bias", Tensor.randn(new int[] {4}, 3L));
        Conv2d conv = new Conv2d(1, 1);
        Node out = graph.apply(conv, xn, graph.parameter(w), graph.parameter(b));
        Tensor seed = Tensor.randn(out.value().dims(), 4L);
        graph.backward(out, seed);
        Tensor[] all3 = conv.backward(new Tensor[] {x, w.value(), b.value()}, out.value(), seed);
        assertThat(w.grad()).isEqualTo(all3[1]);
        assertThat(b.grad()).isEqualTo(all3[2]);
        assertThat(xn.grad()).isNull();
    }

    @Test
    void aNanPixelReachesExactlyTheOutputsWhoseWindowsHoldIt() {
        for (SpatialCases.Kind kind : new SpatialCases.Kind[] {SpatialCases.Kind.CONV, SpatialCases.Kind.MAX_POOL,
            SpatialCases.Kind.AVG_POOL}) {
            for (int k = 0; k < 40; k++) {
                Well19937c rng = new Well19937c(400 + k);
                SpatialCases.Case c = SpatialCases.draw(kind, k, rng);
                Tensor x = c.inputs()[0];
                x.data()[rng.nextInt(x.size())] = Double.NaN;
                Tensor y = c.op().forward(c.inputs());
                Tensor ref = SpatialCases.reference(c);
                for (int e = 0; e < y.size(); e++) {
                    assertThat(Double.isNaN(y.data()[e])).as("%s: output %s", c, java.util.Arrays.toString(y.unravel(e)))
                            .isEqualTo(Double.isNaN(ref.data()[e]));
                }
            }
        }
    }

    @Test
    void maxPoolSendsATiesGradientToTheFirstWinnerOnly() {
        Tensor x = Tensor.wrap(new int[] {1, 1, 2, 4}, new double[] {5, 5, 3, 3, 1, 2, 3, 0});
        MaxPool2d pool = new MaxPool2d(2);
        Tensor y = pool.forward(x);
        assertThat(y.data()).containsExactly(5, 3);
        Tensor dx = pool.backward(new Tensor[] {x}, y, Tensor.wrap(new int[] {1, 1, 1, 2}, new double[] {10, 20}))[0];
        assertThat(dx.data()).containsExactly(10, 0, 20, 0, 0, 0, 0, 0);
    }

    /**
     * 2×2 windows (stride 2, and stride 1 where they overlap) over values drawn from a few, so
     * that ties, 0.0 against −0.0 and NaNs (two payloads) are common: the winner is the
     * documented loop's (strictly greater replaces, the first NaN wins), the output its exact
     * bits, and the gradient goes to it alone.
     */
    @Test
    void maxPoolOf2x2WindowsPicksTheLoopsWinnerAmongTiesZerosAndNans() {
        double[] values = {-1, -0.0, 0.0, 1, 2, Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0001L)};
        Well19937c rng = new Well19937c(31);
        for (int stride : new int[] {2, 1}) {
            for (int trial = 0; trial < 200; trial++) {
                int h = 2 + rng.nextInt(5);
                int w = 2 + rng.nextInt(5);
                double[] d = new double[2 * 3 * h * w];
                for (int e = 0; e < d.length; e++) {
                    // NaNs rarer than the rest, so that most windows have none
                    d[e] = values[rng.nextInt(10) < 9 ? rng.nextInt(5) : 5 + rng.nextInt(2)];
                }
                Tensor x = Tensor.wrap(new int[] {2, 3, h, w}, d);
                MaxPool2d pool = new MaxPool2d(2, stride, 0);
                Tensor y = pool.forward(x);
                Tensor g = Tensor.randn(y.dims(), trial);
                double[] dx = pool.backward(new Tensor[] {x}, y, g)[0].data();
                double[] want = new double[d.length];
                int oh = y.dim(2);
                int ow = y.dim(3);
                for (int p = 0; p < 6; p++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int best = -1;
                            for (int u = 0; u < 2; u++) {
                                for (int v = 0; v < 2; v++) {
                                    int at = (p * h + i * stride + u) * w + j * stride + v;
                                    double e = d[at];
                                    if (best < 0 || e > d[best] || (e != e && d[best] == d[best])) {
                                        best = at;
                                    }
                                }
                            }
                            int o = (p * oh + i) * ow + j;
                            assertThat(Double.doubleToRawLongBits(y.data()[o])).as("stride %d, output %d", stride, o)
                                    .isEqualTo(Double.doubleToRawLongBits(d[best]));
                            want[best] += g.data()[o];
                        }
                    }
                }
                for (int e = 0; e < d.length; e++) {
                    assertThat(Double.doubleToRawLongBits(dx[e])).as("stride %d, ∂L/∂X entry %d", stride, e)
                            .isEqualTo(Double.doubleToRawLongBits(want[e]));
                }
            }
        }
    }

    @Test
    void avgPoolCountsThePaddingAsPyTorchDoes() {
        // A 2×2 image of ones, 3×3 windows padded by 1: each window holds 4 pixels and 5 zeros.
        Tensor x = Tensor.wrap(new int[] {1, 1, 2, 2}, new double[] {1, 1, 1, 1});
        Tensor y = new AvgPool2d(3, 1, 1).forward(x);
        assertThat(y.data()).containsExactly(4.0 / 9, 4.0 / 9, 4.0 / 9, 4.0 / 9);
    }

    @Test
    void flattenPutsOneSamplePerColumn() {
        Tensor x = Tensor.wrap(new int[] {2, 1, 2, 2}, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        Tensor y = new Flatten().forward(x);
        assertThat(y.dims()).containsExactly(4, 2);
        assertThat(y.data()).containsExactly(1, 5, 2, 6, 3, 7, 4, 8);
    }

    @Test
    void theOpsAreStatelessAndNameTheirInputs() {
        Conv2d conv = new Conv2d(2, 1);
        assertThat(conv.arity()).isEqualTo(3);
        assertThat(conv.withoutBias().arity()).isEqualTo(2);
        assertThat(conv.withoutBias().hasBias()).isFalse();
        assertThat(new String[] {conv.inputName(0), conv.inputName(1), conv.inputName(2)}).containsExactly("X", "W", "b");
        for (Op op : new Op[] {new MaxPool2d(2), new AvgPool2d(2), new Flatten()}) {
            assertThat(op.arity()).isEqualTo(1);
            assertThat(op.inputName(0)).isEqualTo("X");
        }
        assertThat(conv.toString()).contains("stride 2×2", "padding 1×1");
    }

    /**
     * The images example of docs/layers.md at a small size: conv → ReLU → max-pool → Flatten →
     * Linear → softmax cross-entropy builds, back-propagates into every parameter, and passes
     * the checker node by node and end to end.
     */
    @Test
    void theDocumentedSmallConvNetTrainsItsParametersAndPassesCheckGraph() {
        Graph g = new Graph();
        Node x = g.input("images", Tensor.randn(new int[] {2, 1, 8, 8}, 1L));                 // N×1×8×8
        Node w1 = g.parameter(new Parameter("conv1.weight", Tensor.randn(new int[] {3, 1, 3, 3}, 2L)));
        Node b1 = g.parameter(new Parameter("conv1.bias", Tensor.randn(new int[] {3}, 3L)));
        Node h = g.apply(new ReLU(), g.apply(new Conv2d(1, 1), x, w1, b1));                    // N×3×8×8
        Node p = g.apply(new MaxPool2d(2), h);                                                  // N×3×4×4
        Node f = g.apply(new Flatten(), p);                                                     // 48×N
        Node w2 = g.parameter(new Parameter("fc.weight", Tensor.randn(new int[] {4, 48}, 4L).scale(0.2)));
        Node b2 = g.parameter(new Parameter("fc.bias", Tensor.zeros(4, 1)));
        Node z = g.apply(new Linear(), f, w2, b2);                                              // 4×N
        Tensor labels = Tensor.zeros(4, 2);
        labels.setAt(1, 1, 0);
        labels.setAt(1, 3, 1);
        Node loss = g.apply(new SoftmaxCrossEntropy(), z, g.input("labels", labels));
        assertThat(h.value().dims()).containsExactly(2, 3, 8, 8);
        assertThat(p.value().dims()).containsExactly(2, 3, 4, 4);
        assertThat(f.value().dims()).containsExactly(48, 2);
        g.backward(loss);
        for (Parameter param : g.parameters()) {
            assertThat(param.grad().maxAbs()).as(param.name()).isGreaterThan(0);
        }
        org.autodifflite.check.CheckReport r = org.autodifflite.check.GradientChecker.defaults().withThreads(1)
                .checkGraph(g, loss);
        assertThat(r.passed()).as(r.render()).isTrue();
    }

    static void assertClose(Tensor got, Tensor want, String what) {
        double scale = Math.max(1, want.maxAbs());
        double[] a = got.data();
        double[] b = want.data();
        assertThat(a).as(what).hasSameSizeAs(b);
        for (int e = 0; e < a.length; e++) {
            if (Double.isNaN(b[e])) {
                assertThat(a[e]).as("%s at %d", what, e).isNaN();
            } else {
                assertThat(Math.abs(a[e] - b[e])).as("%s at %d: %s vs %s", what, e, a[e], b[e])
                        .isLessThanOrEqualTo(1e-12 * scale);
            }
        }
    }
}
