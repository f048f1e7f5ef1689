package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** Fast and subset coverage, determinism across threads, and the JSON and text reports. */
class CoverageAndReportTest {

    /** A Sin that counts its forward calls. */
    private static Op countingSin(AtomicInteger calls) {
        return TestOps.custom("Sin", t -> {
            calls.incrementAndGet();
            return t.map(Math::sin);
        }, (t, g) -> g.multiply(t.map(Math::cos)));
    }

    @Test
    void fastModeCostsTheSameWhateverTheInputSize() {
        AtomicInteger small = new AtomicInteger();
        AtomicInteger large = new AtomicInteger();
        GradientChecker fast = GradientChecker.defaults().fast(2);
        CheckReport a = fast.checkOp(countingSin(small), Tensor.randn(2, 2, 1));
        CheckReport b = fast.checkOp(countingSin(large), Tensor.randn(40, 40, 1));
        assertThat(a.passed()).isTrue();
        assertThat(b.passed()).isTrue();
        assertThat(large.get()).isEqualTo(small.get());
        // 2 to prepare (the output, and again to prove forward deterministic) + 4 per direction
        assertThat(large.get()).isEqualTo(2 + 4 * 2);
        AtomicInteger seed = new AtomicInteger();
        fast.seedMode().checkOp(countingSin(seed), Tensor.randn(40, 40, 1));
        assertThat(seed.get()).isEqualTo(2 + 2 * 2);
        InputResult r = b.results().get(0);
        assertThat(r.directions()).isEqualTo(2);
        assertThat(r.entriesChecked()).isZero();
        assertThat(r.entriesTotal()).isEqualTo(1600);
        assertThat(r.relativeDifference()).isGreaterThan(0).isLessThan(1e-8); // over the directions
        assertThat(b.render()).contains("0/1600 +2dir").contains("fast (2 random directions per input)");
    }

    @Test
    void fastModeFailureStillNamesEntriesAndDiagnoses() {
        CheckReport r = GradientChecker.defaults().fast(2).checkOp(TestOps.scaled(TestOps.SIN, 0, 2),
                Tensor.randn(20, 20, 2));
        InputResult f = r.failures().get(0);
        assertThat(f.entriesChecked()).isEqualTo(InputChecker.FAST_SAMPLE);
        assertThat(f.diagnosis()).contains("analytic = 2.00 × numeric");
        assertThat(f.worstEntries()).isNotEmpty();
    }

    @Test
    void fastModeNarrowsDownASingleWrongEntryByHalving() {
        Op oneWrong = TestOps.breaking(TestOps.SIN, 0, (grad, g) -> {
            Tensor t = grad.copy();
            t.set(17, 23, t.get(17, 23) + 3 * g.get(17, 23));
            return t;
        });
        CheckReport r = GradientChecker.defaults().fast(2).checkOp(oneWrong, Tensor.randn(30, 30, 3));
        InputResult f = r.failures().get(0);
        assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(f.worstEntries()).singleElement().satisfies(e -> assertThat(e.index()).containsExactly(17, 23));
        assertThat(f.diagnosis()).contains("(17, 23)");
    }

    @Test
    void fastModeAtAKinkFallsBackToEntriesInsteadOfPassingSilently() {
        Tensor x = Tensor.randn(4, 4, 9);
        x.set(2, 1, 0.0); // every direction now crosses ReLU's kink
        CheckReport ok = GradientChecker.defaults().fast(2).checkOp(TestOps.RELU, x);
        assertThat(ok.passed()).isTrue();
        assertThat(ok.results().get(0).entriesChecked()).isEqualTo(16);
        assertThat(ok.results().get(0).entriesSkipped()).isEqualTo(1);
        CheckReport broken = GradientChecker.defaults().fast(2).checkOp(TestOps.scaled(TestOps.RELU, 0, 2), x);
        assertThat(broken.failures()).singleElement().satisfies(f ->
                assertThat(f.diagnosis()).contains("analytic = 2.00 × numeric"));
    }

    @Test
    void subsetModeChecksAtMostNEntriesAndSaysSo() {
        CheckReport r = GradientChecker.defaults().subset(5).checkOp(TestOps.MATMUL, Tensor.randn(10, 10, 1),
                Tensor.randn(10, 2, 2));
        assertThat(r.results()).extracting(InputResult::entriesChecked).containsExactly(5, 5);
        assertThat(r.results()).extracting(InputResult::entriesTotal).containsExactly(100, 20);
        assertThat(r.render()).contains("5/100").contains("subset (at most 5 random entries per input)");
        CheckReport broken = GradientChecker.defaults().subset(5).checkOp(TestOps.scaled(TestOps.MATMUL, 1, 1.5),
                Tensor.randn(10, 10, 1), Tensor.randn(10, 2, 2));
        assertThat(broken.failures()).singleElement().satisfies(f ->
                assertThat(f.diagnosis()).contains("analytic = 1.50 × numeric on all 5 checked entries"));
    }

    @Test
    void reportIsIdenticalWhateverTheThreadCountAndRunToRun() {
        SeedNetwork net = SeedNetwork.buggy();
        String one = GradientChecker.defaults().withThreads(1).checkGraph(net.graph, net.loss).toJson();
        String four = GradientChecker.defaults().withThreads(4).checkGraph(net.graph, net.loss).toJson();
        String again = GradientChecker.defaults().withThreads(4).checkGraph(net.graph, net.loss).toJson();
        assertThat(four).isEqualTo(one);
        assertThat(again).isEqualTo(one);
        Tensor a = Tensor.randn(12, 12, 5);
        Tensor b = Tensor.randn(12, 7, 6);
        Op op = TestOps.scaled(TestOps.MATMUL, 0, 1.01);
        assertThat(GradientChecker.defaults().withThreads(4).fast(3).checkOp(op, a, b).toJson())
                .isEqualTo(GradientChecker.defaults().withThreads(1).fast(3).checkOp(op, a, b).toJson());
        assertThat(GradientChecker.defaults().withSeed(7).withThreads(4).checkOp(op, a, b).toJson())
                .isEqualTo(GradientChecker.defaults().withSeed(7).withThreads(1).checkOp(op, a, b).toJson())
                .isNotEqualTo(GradientChecker.defaults().withSeed(8).withThreads(1).checkOp(op, a, b).toJson());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonParsesBackWithTheSameContent() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(r.toJson());
        assertThat(json.get("passed")).isEqualTo(false);
        assertThat(json.get("mode")).isEqualTo("default");
        assertThat(json.get("seed")).isEqualTo(42.0);
        assertThat((Double) json.get("endToEndDifference")).isEqualTo(r.endToEndDifference());
        List<Object> results = (List<Object>) json.get("results");
        assertThat(results).hasSize(r.results().size());
        for (int k = 0; k < results.size(); k++) {
            Map<String, Object> o = (Map<String, Object>) results.get(k);
            InputResult x = r.results().get(k);
            assertThat(o.get("node")).isEqualTo(x.node());
            assertThat(o.get("input")).isEqualTo(x.inputName());
            assertThat(o.get("verdict")).isEqualTo(x.verdict().name());
            assertThat(o.get("diagnosis")).isEqualTo(x.diagnosis());
            assertThat(((Double) o.get("entriesChecked")).intValue()).isEqualTo(x.entriesChecked());
            assertThat((Double) o.get("relativeDifference")).isEqualTo(x.relativeDifference());
            assertThat((List<Object>) o.get("worst")).hasSize(x.worstEntries().size());
        }
        Map<String, Object> w = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) results.get(5))
                .get("worst")).get(0);
        assertThat(w.keySet()).containsExactly("index", "analytic", "numeric", "allowed", "verdict");
        assertThat((List<Object>) w.get("index")).containsExactlyElementsOf(r.results().get(5).worstEntries().get(0)
                .index().stream().map(Integer::doubleValue).toList());
        // non-finite numbers become strings, and the document still parses
        CheckReport nan = GradientChecker.defaults().checkOp(TestOps.elementwise("Log", Math::log, t -> 1 / t),
                Tensor.row(-1.0));
        Map<String, Object> n = (Map<String, Object>) MiniJson.parse(nan.toJson());
        assertThat(((Map<String, Object>) ((List<Object>) n.get("results")).get(0)).get("relativeDifference"))
                .isEqualTo("NaN");
    }

    @Test
    void renderedReportStatesCoverageAndLinesUp() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        String text = r.render();
        assertThat(text).startsWith("gradient check FAILED: 4 failing of 19 checked")
                .contains("settings: mode default · coverage exhaustive (every entry) · tolerance 1.00e-06")
                .contains("step: h≈∛ε")
                .contains("seed 42")
                .contains("end to end (all parameters, graph replayed): difference 2.85e-01");
        List<String> lines = text.lines().filter(l -> l.startsWith("layer") && !l.contains(": ")).toList(); // table rows
        int col = lines.get(0).indexOf("Linear");
        assertThat(lines).allSatisfy(l -> assertThat(l.indexOf("Linear")).isEqualTo(col));
        assertThat(r.summary()).contains("layer1.b (= b1) FAIL").contains("layer2.W (= W2) FAIL").doesNotContain("\n");
    }
}
