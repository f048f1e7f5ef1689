package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientChecker#checkAgainst}: a fused op against the composition it stands for, at one
 * point, with no step. Each verdict and diagnosis can fail.
 */
class ReferenceCheckTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults();

    /** y = x², element-wise. */
    static final Op SQUARE = TestOps.custom("Square", t -> t.multiply(t), (t, g) -> g.multiply(t).scale(2));

    /** Z + b, b a column broadcast along the columns of Z. */
    static final Op ADD_COLUMN = new Op() {
        @Override
        public String name() {
            return "AddColumn";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "Z" : "b";
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return in[0].add(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.copy(), g.sumRows()};
        }
    };

    /** The reference of the seed's Linear (inputs X, W, b): MatMul(W, X), then AddColumn with b. */
    static final Composition LINEAR_REFERENCE = (g, in) -> g.apply(ADD_COLUMN, g.apply(TestOps.MATMUL, in[1], in[0]), in[2]);

    /** Σ x² in one op, its backward written by hand; {@code edit} spoils its gradient. */
    static Op squareSum(java.util.function.UnaryOperator<Tensor> edit) {
        return TestOps.custom("SquareSum", t -> Tensor.scalar(t.multiply(t).sum()),
                (t, g) -> edit.apply(t.scale(2 * g.item())));
    }

    private static Tensor[] linearInputs() {
        return new Tensor[] {Tensor.randn(4, 3, 1), Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3)};
    }

    @Test
    void aCorrectFusedOpMatchesItsComposition() {
        Tensor x = Tensor.randn(3, 4, 11);
        CheckReport r = CHECKER.checkAgainst(squareSum(t -> t), (g, in) -> g.apply(TestOps.SUM, g.apply(SQUARE, in[0])), x);
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.results()).extracting(InputResult::inputName).containsExactly("forward", "x");
        assertThat(r.results()).allSatisfy(x1 -> assertThat(x1.verdict()).isEqualTo(Verdict.PASS));
        assertThat(r.summary()).startsWith("reference check PASSED: 0 failing of 2 compared")
                .contains("entries 13 verified, 0 skipped at kinks, 0 not checked");
        CheckReport lin = CHECKER.checkAgainst(TestOps.linear(), LINEAR_REFERENCE, linearInputs());
        assertThat(lin.passed()).as(lin.render()).isTrue();
        assertThat(lin.results()).hasSize(4);
        GradientAssertions.assertMatchesReference(TestOps.linear(), LINEAR_REFERENCE, linearInputs());
        // the inputs are left alone
        Tensor[] in = linearInputs();
        Tensor[] before = {in[0].copy(), in[1].copy(), in[2].copy()};
        CHECKER.checkAgainst(TestOps.linear(), LINEAR_REFERENCE, in);
        assertThat(in).containsExactly(before);
    }

    @Test
    void aDifferenceOfOneMillionthInOneEntryIsCaught() {
        Tensor x = Tensor.randn(3, 4, 12);
        Op offByOne = squareSum(t -> {
            Tensor s = t.copy();
            s.set(1, 2, s.get(1, 2) * (1 + 1e-6));
            return s;
        });
        CheckReport r = CHECKER.checkAgainst(offByOne, (g, in) -> g.apply(TestOps.SUM, g.apply(SQUARE, in[0])), x);
        assertThat(r.passed()).isFalse();
        InputResult f = r.failures().get(0);
        assertThat(r.failures()).hasSize(1);
        assertThat(f.inputName()).isEqualTo("x");
        assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(f.diagnosis()).contains("1 of 12 checked entries differ by more than allowed")
                .contains("x in SquareSum's backward").contains("worst: (1, 2): fused");
        assertThat(f.worstEntries()).singleElement().satisfies(e -> assertThat(e.index()).containsExactly(1, 2));
        assertThatThrownBy(() -> GradientAssertions.assertMatchesReference(offByOne,
                (g, in) -> g.apply(TestOps.SUM, g.apply(SQUARE, in[0])), x))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("SquareSum does not match its reference composition:")
                .hasMessageContaining("reference check FAILED: 1 failing of 2 compared (SquareSum.x FAIL)");
    }

    @Test
    void wrongGradientsGetTheUsualDiagnosesWordedFusedAgainstReference() {
        Tensor[] x = linearInputs();
        assertThat(CHECKER.checkAgainst(TestOps.scaled(TestOps.linear(), 1, 2), LINEAR_REFERENCE, x).failures())
                .singleElement().satisfies(f -> {
                    assertThat(f.inputName()).isEqualTo("W");
                    assertThat(f.diagnosis()).contains("fused = 2.00 × reference on all 20 checked entries");
                });
        assertThat(CHECKER.checkAgainst(TestOps.scaled(TestOps.linear(), 2, -1), LINEAR_REFERENCE, x).failures())
                .singleElement().satisfies(f -> assertThat(f.diagnosis()).contains("sign flip: fused = −1.00 × reference"));
        assertThat(CHECKER.checkAgainst(TestOps.breaking(TestOps.linear(), 0, (gr, g) -> Tensor.zerosLike(gr)),
                LINEAR_REFERENCE, x).failures()).singleElement().satisfies(f ->
                assertThat(f.diagnosis()).contains("the fused gradient is all zero but the reference one is not"));
        Tensor[] square = {Tensor.randn(4, 3, 1), Tensor.randn(4, 4, 2), Tensor.randn(4, 1, 3)};
        assertThat(CHECKER.checkAgainst(TestOps.breaking(TestOps.linear(), 1, (gr, g) -> gr.transpose()),
                LINEAR_REFERENCE, square).failures()).singleElement().satisfies(f ->
                assertThat(f.diagnosis()).contains("transposed: fused ≈ referenceᵀ"));
        // A backward that ignores u breaks linearity (CONTRACT) and is named as such.
        Op ignores = TestOps.breaking(TestOps.linear(), 2, (gr, g) -> Tensor.filled(gr.rows(), 1, g.cols()));
        assertThat(CHECKER.checkAgainst(ignores, LINEAR_REFERENCE, x).failures()).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.CONTRACT);
            assertThat(f.diagnosis()).contains("backward is not linear in the upstream gradient")
                    .contains("also: backward ignores the upstream gradient");
        });
    }

    @Test
    void aDifferentForwardIsItsOwnVerdict() {
        Op shifted = new org.autodifflite.core.ForwardingOp(TestOps.linear()) {
            @Override
            public Tensor forward(Tensor... in) {
                Tensor y = super.forward(in);
                y.set(2, 1, y.get(2, 1) + 1e-3);
                return y;
            }
        };
        CheckReport r = CHECKER.checkAgainst(shifted, LINEAR_REFERENCE, linearInputs());
        assertThat(r.failures()).first().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.FORWARD_DIFFERS);
            assertThat(f.inputName()).isEqualTo("forward");
            assertThat(f.diagnosis()).contains("the fused forward differs from the reference in 1 of 15 entries")
                    .contains("(2, 1): fused");
        });
        // A different shape: the gradients are not compared
        CheckReport shape = CHECKER.checkAgainst(squareSum(t -> t), (g, in) -> g.apply(SQUARE, in[0]), Tensor.randn(2, 2, 1));
        assertThat(shape.failures()).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.FORWARD_DIFFERS);
            assertThat(f.diagnosis()).contains("the fused forward gives () but the reference gives 2×2");
        });
        assertThat(shape.results().get(1).diagnosis()).contains("not compared");
    }

    @Test
    void anUnreducedGradientIsNamedWithTheAxesToSumOver() {
        Op unreduced = TestOps.breaking(TestOps.linear(), 2, (gr, g) -> g.copy()); // 5×3 for b of 5×1
        CheckReport r = CHECKER.checkAgainst(unreduced, LINEAR_REFERENCE, linearInputs());
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.CONTRACT);
            assertThat(f.diagnosis()).contains("backward returned a 5×3 gradient for b of shape 5×1")
                    .contains("it looks un-reduced: it has the output's shape 5×3")
                    .contains("sum the gradient over axis 1 down to 5×1 (Tensor.sumTo(5×1))");
        });
    }

    @Test
    void badReferencesAreRefused() {
        Graph other = new Graph();
        Node elsewhere = other.variable("x", Tensor.randn(2, 2, 1));
        assertThatThrownBy(() -> CHECKER.checkAgainst(SQUARE, (g, in) -> elsewhere, Tensor.randn(2, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkAgainst Square: the reference returned a node of another graph");
        assertThatThrownBy(() -> CHECKER.checkAgainst(TestOps.MATMUL, LINEAR_REFERENCE, Tensor.randn(2, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MatMul expects 2 inputs");
    }

    @Test
    void theBoundIsStatedAndTight() {
        assertThat(ReferenceCheck.factor(1)).isEqualTo(64 * Math.ulp(1.0));
        assertThat(ReferenceCheck.factor(1_000_000)).isLessThan(1e-10);
        String text = CHECKER.checkAgainst(TestOps.linear(), LINEAR_REFERENCE, linearInputs()).render();
        assertThat(text.replaceAll("\\s+", " ")).contains("settings: no step; entries compared within |fused − reference| ≤"
                + " 64·√m·ε·(|fused| + |reference| + scale) + 8 × the range of fused − reference over 6 points nudged by"
                + " ±2⁻⁴⁸, the reference's ops jittered by ±ε (rounding noise)")
                .contains("fused op: Linear (against its reference composition)");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
    }
}
