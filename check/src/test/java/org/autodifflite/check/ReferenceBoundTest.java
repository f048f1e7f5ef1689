package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The bound of {@link GradientChecker#checkAgainst} accounts for the conditioning of the point:
 * a confident negative log-likelihood (the loss and its gradient small remnants of numbers of the
 * size of the logits, computed in two orders) passes where the classic bound alone fails, a
 * difference of a millionth in one entry still fails there, data inputs are never nudged, and a
 * report says when the noise rests on fewer points than asked.
 */
class ReferenceBoundTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /**
     * The mean negative log-likelihood of the class indices {@code idx} (1×m) under the softmax
     * over the rows of {@code z} (k×m), fused: {@code lse − z_y} with {@code lse = max + log Σ
     * e^(z − max)}, which rounds at the scale of the logits; backward {@code (softmax − onehot)/m}.
     * Core's {@code LogSoftmax} rounds {@code z − max} first: the two differ by an ulp of the
     * logits, however small the loss.
     */
    static final Op FUSED_NLL = new Op() {
        @Override
        public String name() {
            return "FusedNll";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "z" : "idx";
        }

        @Override
        public boolean differentiable(int index) {
            return index == 0;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            Tensor lp = logSoftmax(in[0]);
            int m = in[0].dim(1);
            double s = 0;
            for (int j = 0; j < m; j++) {
                s -= lp.at((int) in[1].at(0, j), j);
            }
            return Tensor.scalar(s / m);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            int m = in[0].dim(1);
            Tensor d = logSoftmax(in[0]).map(Math::exp);
            for (int j = 0; j < m; j++) {
                int i = (int) in[1].at(0, j);
                d.setAt(d.at(i, j) - 1, i, j);
            }
            return new Tensor[] {d.scale(g.item() / m), Tensor.zerosLike(in[1])};
        }
    };

    static Tensor logSoftmax(Tensor z) {
        int k = z.dim(0);
        int m = z.dim(1);
        double[] out = new double[k * m];
        for (int j = 0; j < m; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, z.at(i, j));
            }
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += Math.exp(z.at(i, j) - max);
            }
            double lse = max + Math.log(s);
            for (int i = 0; i < k; i++) {
                out[i * m + j] = z.at(i, j) - lse;
            }
        }
        return Tensor.wrap(z.dims(), out);
    }

    /** The same from primitives: the log-softmax over the classes, each sample's picked by gather. */
    static final Composition NLL = (g, in) -> in[0].logSoftmax(0).gather(0, in[1]).mean().neg();

    /** Confident and right: 2–5 classes, 1–2 samples, logits ×3, each sample's class its largest logit. */
    static Tensor[] confident(long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int k = 2 + rng.nextInt(4);
        int m = 1 + rng.nextInt(2);
        Tensor z = Tensor.randn(new int[] {k, m}, seed).scale(3).add(Tensor.scalar(rng.nextDouble(-3, 3)));
        double[] idx = new double[m];
        for (int j = 0; j < m; j++) {
            for (int i = 1; i < k; i++) {
                idx[j] = z.at(i, j) > z.at((int) idx[j], j) ? i : idx[j];
            }
        }
        return new Tensor[] {z, Tensor.wrap(new int[] {1, m}, idx)};
    }

    /** Whether {@code |f − r| > 64·√m·ε·(|f| + |r| + s)} on some entry: the classic bound alone fails. */
    static boolean classicFails(double[] f, double[] r, long m) {
        double s = 0;
        for (double v : r) {
            s = Math.max(s, Math.abs(v));
        }
        for (int k = 0; k < f.length; k++) {
            if (Math.abs(f[k] - r[k]) > ReferenceCheck.factor(m) * (Math.abs(f[k]) + Math.abs(r[k]) + s)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void smallDifferencesOfLargeTermsPassWhereTheClassicBoundAloneFails() {
        int classicWouldFail = 0;
        for (long seed = 1; seed <= 1000; seed++) {
            Tensor[] in = confident(seed);
            CheckReport r = CHECKER.withSeed(seed).checkAgainst(FUSED_NLL, NLL, in);
            assertThat(r.passed()).as("seed %d:%n%s", seed, r.render()).isTrue();
            // The forward alone, against the same function from core's primitives.
            org.autodifflite.core.Graph g = new org.autodifflite.core.Graph();
            double ref = NLL.build(g, g.variable("z", in[0]), g.input("idx", in[1])).value().item();
            if (classicFails(FUSED_NLL.forward(in).data(), new double[] {ref}, in[0].size() + in[1].size())) {
                classicWouldFail++;
            }
        }
        // Not a vacuous test: at these points the two orders differ beyond the classic bound.
        assertThat(classicWouldFail).as("points the classic bound alone fails").isGreaterThan(10);
    }

    @Test
    void aMillionthInOneEntryStillFailsAtThosePoints() {
        for (long seed = 1; seed <= 200; seed++) {
            Tensor[] in = confident(seed);
            Tensor y = FUSED_NLL.forward(in);
            Tensor[] g = FUSED_NLL.backward(in, y, Tensor.scalar(1));
            int at = 0;
            for (int k = 1; k < g[0].size(); k++) {
                at = Math.abs(g[0].data()[k]) > Math.abs(g[0].data()[at]) ? k : at;
            }
            int entry = at;
            Op off = new ForwardingOp(FUSED_NLL) {
                @Override
                public Tensor[] backward(Tensor[] x, Tensor out, Tensor u) {
                    Tensor[] grads = FUSED_NLL.backward(x, out, u);
                    grads[0].data()[entry] *= 1 + 1e-6;
                    return grads;
                }
            };
            CheckReport r = CHECKER.withSeed(seed).checkAgainst(off, NLL, in);
            assertThat(r.failures()).as("seed %d:%n%s", seed, r.render()).singleElement().satisfies(f -> {
                assertThat(f.inputName()).isEqualTo("z");
                assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
                assertThat(f.worstEntries().get(0).position()).isEqualTo(Shapes.index(entry, in[0].dims()));
            });
        }
    }

    /** Picks {@code x[idx[j], j]} per column; throws for an index that is not a whole number. */
    static final Op PICK = new Op() {
        @Override
        public String name() {
            return "Pick";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "x" : "idx";
        }

        @Override
        public boolean differentiable(int index) {
            return index == 0;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            int m = in[0].dim(1);
            double[] out = new double[m];
            for (int j = 0; j < m; j++) {
                double i = in[1].at(0, j);
                if (i != Math.rint(i)) {
                    throw new IllegalArgumentException("Pick: index " + i + " is not a whole number");
                }
                out[j] = in[0].at((int) i, j);
            }
            return Tensor.wrap(new int[] {1, m}, out);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            Tensor dx = Tensor.zerosLike(in[0]);
            for (int j = 0; j < g.size(); j++) {
                dx.setAt(g.at(0, j) * 2, (int) in[1].at(0, j), j);   // planted: twice too large
            }
            return new Tensor[] {dx, Tensor.zerosLike(in[1])};
        }
    };

    @Test
    void dataInputsAreNeverNudgedAndFewerPointsAreSaid() {
        Tensor x = Tensor.randn(3, 4, 5);
        Tensor idx = Tensor.of(new double[][] {{0, 2, 1, 2}});
        Composition gather = (g, in) -> in[0].gather(0, in[1]);
        CheckReport r = CHECKER.checkAgainst(PICK, gather, x, idx);
        // The indices stayed whole at every nudged point: all 6 measured, the bug named plainly.
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo("x");
            assertThat(f.diagnosis()).contains("fused = 2.00 × reference").doesNotContain("measured at");
        });
        // An op that refuses any other point than the one checked: the noise rests on x_0 alone.
        Op pinned = new ForwardingOp(PICK) {
            @Override
            public Tensor forward(Tensor... in) {
                if (!in[0].equals(x)) {
                    throw new IllegalArgumentException("Pinned: only the original point");
                }
                return super.forward(in);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
                return PICK.backward(in, y, g);
            }
        };
        assertThat(CHECKER.checkAgainst(pinned, gather, x, idx).failures()).singleElement().satisfies(f ->
                assertThat(f.diagnosis()).contains("the rounding noise was measured at 0 of 6 nudged points"));
    }
}
