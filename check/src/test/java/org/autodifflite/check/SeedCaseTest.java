package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** The notebook's figures, reproduced in seed mode, and what the default mode makes of them. */
class SeedCaseTest {

    @Test
    void costAndGradientsAreTheNotebooks() {
        SeedNetwork net = SeedNetwork.correct();
        assertThat(net.loss.value().item()).isCloseTo(2.407833389834357, within(1e-14));
        net.graph.backward(net.loss);
        Map<String, Tensor> expected = SeedNetwork.load("seed_gradients.json");
        net.params.forEach((name, p) ->
                assertThat(p.grad().approxEquals(expected.get("d" + name), 1e-12)).as(name).isTrue());
    }

    @Test
    void seedModeReproducesTheNotebookOnTheBuggyBackward() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().seedMode().checkEndToEnd(net.graph, net.loss);
        assertThat(r.endToEndDifference()).isCloseTo(0.2850931567761624, within(1e-8));
        assertThat(r.passed()).isFalse();
        Map<String, Double> byParam = r.results().stream()
                .collect(Collectors.toMap(InputResult::inputName, InputResult::relativeDifference));
        assertThat(byParam.get("b1")).isCloseTo(0.6, within(1e-4));
        assertThat(byParam.get("W2")).isCloseTo(1.0 / 3, within(1e-4));
    }

    @Test
    void seedModeRaisesTheNotebooksFalseAlarmOnTheCorrectBackward() {
        SeedNetwork net = SeedNetwork.correct();
        CheckReport r = GradientChecker.defaults().seedMode().checkEndToEnd(net.graph, net.loss);
        assertThat(r.endToEndDifference()).isCloseTo(1.1890913024229996e-07, within(5e-9));
        assertThat(r.passed()).isFalse();
    }

    @Test
    void defaultModePassesTheCorrectNetwork() {
        SeedNetwork net = SeedNetwork.correct();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.endToEndDifference()).isLessThanOrEqualTo(1e-9);
    }

    @Test
    void defaultModeFindsExactlyTheTwoPlantedBugs() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        List<String> nodeFailures = r.failures().stream().filter(f -> !f.endToEnd())
                .map(f -> f.node() + "." + f.inputName()).collect(Collectors.toList());
        assertThat(nodeFailures).containsExactly("layer1.b", "layer2.W");
        List<String> e2eFailures = r.failures().stream().filter(InputResult::endToEnd)
                .map(InputResult::inputName).collect(Collectors.toList());
        assertThat(e2eFailures).containsExactly("b1", "W2");
        InputResult b = r.failures().get(0);
        InputResult w = r.failures().get(1);
        assertThat(b.diagnosis()).contains("analytic = 4.00 × numeric").contains("b in Linear's backward");
        assertThat(w.diagnosis()).contains("analytic = 2.00 × numeric").contains("W in Linear's backward");
    }
}
