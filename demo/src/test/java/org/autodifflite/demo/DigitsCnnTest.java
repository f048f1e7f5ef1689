package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The digits CNN of {@code train --data digits} under the gradient checker, on a batch of four
 * test digits after one epoch of training (so that the biases have left 0: untrained, the blank
 * background of every digit sits exactly on the first ReLU's kink). The default checker passes
 * every node and every parameter end to end; in fast mode the two planted bugs are found at their
 * (node, input) pairs with their diagnoses, and nothing else fails.
 */
class DigitsCnnTest {

    private static GraphModel model;
    private static Map<String, Tensor> four;

    @BeforeAll
    static void trainOneEpoch() {
        model = DigitsCnn.model(42);
        Digits.Parts parts = Digits.load().split(0.2, 42);
        Trainer.of(model, new Adam(0.003)).epochs(1).batchSize(32).seed(42).fit(DigitsCnn.data(parts.train()));
        four = DigitsCnn.data(parts.test().select(new int[] {0, 1, 2, 3}, "four test digits"));
    }

    @Test
    void theDigitsCnnPassesCheckGraphNodeByNodeAndEndToEndOnABatchOfFour() {
        ModelGraph mg = model.graph(four, true);
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        System.out.println(r.summary());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.hasEndToEnd()).isTrue();
        assertThat(r.endToEndDifference()).isLessThan(1e-9);
        assertThat(r.entriesNotChecked()).isZero();
        // Every parameter end to end, nearly every entry verified (a kink is crossed now and then).
        List<String> endToEnd = new ArrayList<>();
        for (InputResult in : r.results()) {
            if (in.endToEnd()) {
                endToEnd.add(in.parameter());
                assertThat(in.verifiedShare()).as(in.displayName()).isGreaterThan(0.99);
            }
        }
        assertThat(endToEnd).containsExactly("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight",
                "fc.bias");
        // The one weak input: max-pool windows over the blank background hold ties at 0 (kinks, skipped).
        assertThat(r.weakInputs()).extracting(InputResult::node).containsOnly("maxpool1");
    }

    @Test
    void fastModeNamesBothPlantedBugsAtTheirNodeAndInputWithTheirDiagnosis() {
        DigitsCnn.Planted p = DigitsCnn.withPlantedBugs(model, four);
        GradientChecker fast = GradientChecker.defaults().fast(2);
        List<String> named = new ArrayList<>();
        List<String> diagnoses = new ArrayList<>();
        for (Node n : p.graph().nodes()) {
            if (n.op() != null) {
                for (InputResult f : fast.checkOp(n.op(), Graph.inputValues(n)).failures()) {
                    named.add(n.label() + "." + f.inputName());
                    diagnoses.add(f.diagnosis());
                }
            }
        }
        assertThat(named).containsExactly("conv1.W", "fc.b");
        assertThat(diagnoses.get(0)).startsWith("flipped: analytic ≈ numeric with the last two axes reversed");
        assertThat(diagnoses.get(1)).startsWith("analytic = 4.00 × numeric on all 10 checked entries");

        CheckReport r = fast.checkGraph(p.graph(), p.loss());
        List<String> failed = new ArrayList<>();
        for (InputResult f : r.failures()) {
            failed.add((f.endToEnd() ? "end-to-end " + f.parameter() : f.node() + "." + f.inputName()));
        }
        assertThat(failed).containsExactly("conv1.W", "fc.b", "end-to-end conv1.weight", "end-to-end fc.bias");
    }

    @Test
    void withNothingReplacedTheReplayedGraphIsTheModelsGraph() {
        ModelGraph mg = model.graph(four, true);
        GraphReplay.Replayed r = GraphReplay.replay(mg.graph(), mg.loss(), Map.of());
        assertThat(r.node().value()).isEqualTo(mg.loss().value());
        List<Parameter> ps = model.parameters();
        Map<Parameter, Tensor> want = mg.graph().gradients(mg.loss(), ps);
        Map<Parameter, Tensor> got = r.graph().gradients(r.node(), ps);
        for (Parameter p : ps) {
            assertThat(got.get(p)).as(p.name()).isEqualTo(want.get(p));
        }
        assertThat(r.graph().nodes()).extracting(Node::label)
                .containsExactlyElementsOf(mg.graph().nodes().stream().map(Node::label).toList());
    }
}
