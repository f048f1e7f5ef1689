package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Add;
import org.autodifflite.core.ops.MatMul;
import org.autodifflite.core.ops.Multiply;
import org.autodifflite.core.ops.Softmax;
import org.autodifflite.core.ops.Sum;
import org.junit.jupiter.api.Test;

/**
 * Every diagnosis on rank-3 and rank-4 shapes, planted in the core primitives: a batched matmul
 * whose gradient is transposed on the last two axes (square, and computed as its transpose and
 * reshaped), a constant ratio, a sign flip, an all-zero gradient, a backward that ignores its
 * upstream gradient, a broadcast gradient left un-reduced over axis 1 of 4 or reduced over the
 * wrong axis, and a mistake confined to one sample of the batch; the entries named by index
 * tuples in the text, the JSON and the HTML reports.
 */
class NdDiagnosisTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    private static InputResult only(Op op, Tensor... inputs) {
        CheckReport r = CHECKER.checkOp(op, inputs);
        assertThat(r.failures()).as(r.render()).hasSize(1);
        return r.failures().get(0);
    }

    private static Tensor t(long seed, int... dims) {
        return Tensor.randn(dims, seed);
    }

    @Test
    void batchedMatmulTransposedOnTheLastTwoAxes() {
        InputResult f = only(TestOps.breaking(new MatMul(), 0, (grad, g) -> grad.transpose(-2, -1)),
                t(1, 2, 3, 4, 4), t(2, 2, 3, 4, 5));
        assertThat(f.inputName()).isEqualTo("a");
        assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(f.diagnosis()).startsWith("transposed: analytic ≈ numericᵀ on the last two axes (2 and 3) of each"
                + " of its 6 matrices; check the order of the matmul operands and the transposes in the gradient for a"
                + " in MatMul's backward");
        assertThat(f.worstEntries().get(0).index()).hasSize(4);
        // Not square: computed as its transpose (2×3×5×4) and reshaped to fit.
        InputResult g = only(TestOps.breaking(new MatMul(), 1, (grad, u) -> grad.transpose(-2, -1).reshape(grad.dims())),
                t(3, 2, 3, 2, 4), t(4, 2, 3, 4, 5));
        assertThat(g.diagnosis()).contains("transposed: analytic ≈ numericᵀ on the last two axes (2 and 3)")
                .contains("read in the shape 2×3×4×5 (the gradient was computed as its transpose, 2×3×5×4, and reshaped)");
    }

    @Test
    void constantRatioSignFlipAllZeroAndIgnoredUpstreamOnRanks3And4() {
        assertThat(only(TestOps.scaled(new Multiply(), 1, 2), t(5, 2, 3, 4, 5), t(6, 3, 1, 5)).diagnosis())
                .startsWith("analytic = 2.00 × numeric on all 15 checked entries; check the scale of the gradient for b"
                        + " in Multiply's backward");
        assertThat(only(TestOps.scaled(new Softmax(1), 0, -1), t(7, 2, 4, 3)).diagnosis())
                .startsWith("sign flip: analytic = −1.00 × numeric on all 24 checked entries");
        assertThat(only(TestOps.breaking(new Sum(new int[] {1}, false), 0, (grad, g) -> Tensor.zerosLike(grad)),
                t(8, 2, 3, 4)).diagnosis()).startsWith("the analytic gradient is all zero but the numeric one is not");
        Op ignores = TestOps.breaking(new Add(), 1, (grad, g) -> Tensor.onesLike(g).sumTo(1, 3, 1, 5));
        InputResult f = only(ignores, t(9, 2, 3, 4, 5), t(10, 1, 3, 1, 5));
        assertThat(f.verdict()).isEqualTo(Verdict.CONTRACT);
        assertThat(f.diagnosis()).contains("backward is not linear in the upstream gradient: backward(2u) ≠ 2·backward(u) for b")
                .contains("also: backward ignores the upstream gradient");
    }

    @Test
    void aBroadcastGradientUnreducedOverAxisOneOfFourOrReducedOverTheWrongAxis() {
        Tensor x = t(11, 2, 5, 3, 4);
        Tensor y = t(12, 2, 1, 3, 4);
        CheckReport unreduced = CHECKER.checkOp(TestOps.breaking(new Add(), 1, (grad, g) -> g.copy()), x, y);
        assertThat(unreduced.results().get(1).verdict()).isEqualTo(Verdict.CONTRACT);
        assertThat(unreduced.results().get(1).diagnosis()).isEqualTo("backward returned a 2×5×3×4 gradient for b of"
                + " shape 2×1×3×4; each gradient must be shaped like its input; it looks un-reduced: it has the output's"
                + " shape 2×5×3×4, and b (2×1×3×4) is broadcast along axis 1 of it; sum the gradient over axis 1 down to"
                + " 2×1×3×4 (Tensor.sumTo(2×1×3×4))");
        CheckReport wrongAxes = CHECKER.checkOp(TestOps.breaking(new Add(), 1,
                (grad, g) -> g.sum(new int[] {2}, true)), x, y);
        assertThat(wrongAxes.results().get(1).diagnosis()).contains("it looks reduced over the wrong axes: b (2×1×3×4)"
                + " is broadcast along axis 1 of the output 2×5×3×4, so sum the upstream gradient over axis 1"
                + " (Tensor.sumTo(2×1×3×4)), not over axis 2");
        // Summed over the wrong axis and reshaped to fit: right shape, wrong values, entries named.
        Tensor sq = t(13, 2, 4, 4);
        Tensor col = t(14, 4, 1);
        InputResult f = only(TestOps.breaking(new Add(), 1, (grad, g) -> g.sum(new int[] {0, 1}, false).reshape(4, 1)),
                sq, col);
        assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(f.diagnosis()).contains("checked entries differ by more than allowed").contains("worst: (");
    }

    @Test
    void aMistakeInOneSampleOfTheBatchIsLocatedAlongItsAxis() {
        // Batch item 1 of 3 gets its gradient doubled; the others are right.
        Op oneSample = new ForwardingOp(new MatMul()) {
            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                Tensor[] grads = super.backward(in, out, g).clone();
                Tensor a = grads[0].copy();
                int per = a.size() / a.dim(0);
                for (int k = per; k < 2 * per; k++) {
                    a.data()[k] *= 2;
                }
                grads[0] = a;
                return grads;
            }
        };
        InputResult f = only(oneSample, t(15, 3, 2, 4), t(16, 3, 4, 3));
        assertThat(f.diagnosis()).startsWith("8 of 24 checked entries differ by more than allowed, all at index 1 of"
                + " axis 0; check the gradient for a in MatMul's backward");
        assertThat(f.worstEntries()).allSatisfy(e -> assertThat(e.index().get(0)).isEqualTo(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void rank4EntriesAreNamedByIndexTuplesInTextJsonAndHtml() {
        Op scaled = TestOps.scaled(new Multiply(), 0, 3);
        Tensor x = t(17, 2, 3, 2, 2);
        CheckReport r = CHECKER.checkOp(scaled, x, t(18, 3, 1, 1));
        InputResult f = r.failures().get(0);
        EntryResult worst = f.worstEntries().get(0);
        assertThat(worst.index()).hasSize(4);
        assertThat(worst.position()).matches("\\(\\d, \\d, \\d, \\d\\)");
        assertThat(r.render()).contains(worst.position() + "  ");
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(r.toJson());
        Map<String, Object> w = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) ((List<Object>) json
                .get("results")).get(0)).get("worst")).get(0);
        assertThat(w.keySet()).containsExactly("index", "analytic", "numeric", "allowed", "verdict");
        assertThat((List<Object>) w.get("index")).hasSize(4);
        String html = r.toHtml();
        // Every entry of the 2×3×2×2 input is a cell of the heat map, named by its 4-tuple.
        assertThat(html).contains("<title>(0, 0, 0, 0): fail").contains("<title>(1, 2, 1, 1): fail")
                .contains("all axes but the last flattened into rows");
        // A large rank-3 input is downsampled: a cell names the first and last entries of its block.
        Tensor big = t(19, 3, 70, 130);
        // Core's Tanh evaluates one entry at a time (FastForward): 27,300 entries in well under a second.
        CheckReport large = GradientChecker.defaults().withThreads(2).checkOp(
                TestOps.scaled(new org.autodifflite.core.ops.Tanh(), 0, 1.5), big);
        ErrorMap m = large.failures().get(0).errorMap();
        assertThat(m.downsampled()).isTrue();
        assertThat(m.cellName(0, 0)).isEqualTo("block (0, 0, 0) … (0, 3, 2)");
        assertThat(large.toHtml()).contains("<title>block (0, 0, 0) … (0, 3, 2): fail");
    }
}
