package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** Each kind of mistake, planted in a purpose-built broken op, is named in words. */
class DiagnosisTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults();

    private static InputResult only(Op op, Tensor... inputs) {
        CheckReport r = CHECKER.checkOp(op, inputs);
        assertThat(r.failures()).as(r.render()).hasSize(1);
        return r.failures().get(0);
    }

    @Test
    void constantRatio() {
        InputResult f = only(TestOps.scaled(TestOps.linear(), 2, 4.0), Tensor.randn(4, 3, 1),
                Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3));
        assertThat(f.inputName()).isEqualTo("b");
        assertThat(f.diagnosis()).contains("analytic = 4.00 × numeric on all 5 checked entries")
                .contains("check the scale of the gradient for b in Linear's backward");
    }

    @Test
    void signFlip() {
        InputResult f = only(TestOps.scaled(TestOps.TANH, 0, -1), Tensor.randn(3, 4, 9));
        assertThat(f.diagnosis()).startsWith("sign flip").contains("check the sign of the gradient for x in Tanh's backward");
    }

    @Test
    void allZero() {
        InputResult f = only(TestOps.breaking(TestOps.MATMUL, 1, (grad, g) -> Tensor.zerosLike(grad)),
                Tensor.randn(2, 3, 4), Tensor.randn(3, 2, 5));
        assertThat(f.inputName()).isEqualTo("B");
        assertThat(f.diagnosis()).contains("all zero").contains("B in MatMul's backward");
    }

    @Test
    void transposed() {
        InputResult f = only(TestOps.breaking(TestOps.MATMUL, 0, (grad, g) -> grad.transpose()),
                Tensor.randn(3, 3, 4), Tensor.randn(3, 3, 5));
        assertThat(f.inputName()).isEqualTo("A");
        assertThat(f.diagnosis()).startsWith("transposed: analytic ≈ numericᵀ");
    }

    /**
     * A kernel's gradient with each window rotated by 180° (a 2×1×3×3 "kernel" input of an
     * element-wise op, so that only the planted flip is wrong): named as flipped, not as a
     * generic mismatch — also in fast mode, which checks only a sample of the entries.
     */
    @Test
    void flippedKernel() {
        Op flipped = TestOps.breaking(TestOps.SIN, 0, (grad, g) -> {
            int[] d = grad.dims();
            double[] in = grad.data();
            double[] out = new double[in.length];
            for (int base = 0; base < in.length; base += 9) {
                for (int k = 0; k < 9; k++) {
                    out[base + k] = in[base + 8 - k];
                }
            }
            return Tensor.wrap(d, out);
        });
        Tensor kernel = Tensor.randn(new int[] {2, 1, 3, 3}, 7L);
        assertThat(only(flipped, kernel).diagnosis()).startsWith("flipped: analytic ≈ numeric with the last two axes"
                + " reversed (each 3×3 window rotated by 180°").contains("check the order of the taps");
        CheckReport fast = GradientChecker.defaults().fast(2).checkOp(flipped, kernel);
        assertThat(fast.failures()).hasSize(1);
        assertThat(fast.failures().get(0).diagnosis()).startsWith("flipped:");
    }

    @Test
    void ignoresTheUpstreamGradient() {
        Op sin = TestOps.custom("Sin", t -> t.map(Math::sin), (t, g) -> t.map(Math::cos));
        InputResult f = only(sin, Tensor.randn(2, 3, 6));
        // a backward that ignores u is not linear in u: a contract breach, diagnosed in words
        assertThat(f.verdict()).isEqualTo(Verdict.CONTRACT);
        assertThat(f.diagnosis()).contains("not linear in the upstream gradient")
                .contains("backward ignores the upstream gradient");
    }

    @Test
    void worstEntriesNameRowColumnAndBothValues() {
        Op oneWrong = TestOps.breaking(TestOps.SIN, 0, (grad, g) -> {
            Tensor t = grad.copy();
            t.set(1, 2, t.get(1, 2) + 0.5 * g.get(1, 2)); // linear in u, wrong at one entry
            return t;
        });
        Tensor x = Tensor.randn(3, 4, 8);
        InputResult f = only(oneWrong, x);
        assertThat(f.diagnosis()).startsWith("1 of 12 checked entries differ by more than allowed")
                .contains("worst: (1, 2): analytic");
        EntryResult worst = f.worstEntries().get(0);
        assertThat(worst.index()).containsExactly(1, 2);
        assertThat(worst.position()).isEqualTo("(1, 2)");
        assertThat(worst.analytic() - worst.numeric()).isCloseTo(0.5 * uAt(x, 1, 2), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(f.worstEntries()).hasSize(1);
    }

    /** The seeded upstream gradient the checker used at (r, c) for a one-input op on x. */
    private static double uAt(Tensor x, int r, int c) {
        long seed = InputChecker.mix(42, 0, 0);
        return OpSubject.upstream(x, seed)[r * x.cols() + c];
    }

    @Test
    void contractBreaches() {
        AtomicInteger calls = new AtomicInteger();
        Op nondeterministic = TestOps.custom("Noisy", t -> t.scale(1 + 1e-3 * calls.incrementAndGet()),
                (t, g) -> g.copy());
        assertThat(only(nondeterministic, Tensor.randn(2, 2, 1)).diagnosis()).contains("not deterministic");

        Op modifiesInput = TestOps.custom("Sloppy", t -> {
            t.set(0, 0, 7);
            return t.copy();
        }, (t, g) -> g.copy());
        InputResult m = only(modifiesInput, Tensor.randn(2, 2, 1));
        assertThat(m.verdict()).isEqualTo(Verdict.CONTRACT);
        assertThat(m.diagnosis()).contains("forward modified its input x");

        Op backwardModifies = TestOps.custom("Sloppy", Tensor::copy, (t, g) -> {
            t.fill(0);
            return g.copy();
        });
        assertThat(only(backwardModifies, Tensor.randn(2, 2, 1)).diagnosis()).contains("backward modified its input x");

        Op affine = TestOps.custom("Affine", t -> t.map(Math::sin), (t, g) -> g.multiply(t.map(Math::cos)).map(v -> v + 0.1));
        assertThat(only(affine, Tensor.randn(2, 2, 1)).diagnosis()).contains("backward is not linear");

        Op aliasing = TestOps.custom("Identity", t -> t, (t, g) -> g.copy());
        assertThat(only(aliasing, Tensor.randn(2, 3, 1)).diagnosis()).contains("forward returned its input x itself");
        Op identity = TestOps.custom("Identity", Tensor::copy, (t, g) -> g);
        assertThat(CHECKER.checkOp(identity, Tensor.randn(2, 3, 1)).passed()).isTrue();

        Op wrongShape = TestOps.custom("Shape", Tensor::copy, (t, g) -> g.transpose());
        InputResult s = only(wrongShape, Tensor.randn(2, 3, 1));
        assertThat(s.verdict()).isEqualTo(Verdict.CONTRACT);
        assertThat(s.diagnosis()).contains("returned a 3×2 gradient for x of shape 2×3");
    }
}
