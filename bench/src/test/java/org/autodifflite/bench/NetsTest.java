package org.autodifflite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.train.Adam;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' fixtures are what they claim: the seed net reproduces the notebook's cost, the
 * planted bugs are exactly the two the checker must name, and a training step trains. (Speed is
 * measured by the JMH benchmarks only, never here.)
 */
class NetsTest {

    private static List<String> failing(CheckReport r, boolean endToEnd) {
        return r.failures().stream().filter(f -> f.endToEnd() == endToEnd)
                .map(f -> endToEnd ? f.inputName() : f.node() + "/" + f.inputName())
                .sorted().collect(Collectors.toList());
    }

    @Test
    void theSeedNetHasTheNotebooksCostAndItsTwoBugs() {
        Nets.Net net = Nets.seedNet(true);
        assertThat(net.parameters).isEqualTo(47);
        assertThat(Math.abs(net.loss.value().item() - 2.407833389834357)).isLessThan(1e-12);
        CheckReport r = GradientChecker.defaults().withThreads(1).checkGraph(net.graph, net.loss);
        assertThat(failing(r, false)).containsExactly("fc1/b", "fc2/W");
        assertThat(failing(r, true)).containsExactly("fc1.bias", "fc2.weight");
        CheckReport seed = GradientChecker.defaults().seedMode().withThreads(1).checkEndToEnd(net.graph, net.loss);
        // The notebook's figure for its buggy backward (the seed notebook, docs/demo.md).
        assertThat(seed.endToEndDifference()).isCloseTo(0.2850931567761624, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void fastModeNamesExactlyThePlantedPairsOnTheBigNet() {
        Nets.Net buggy = Nets.randomNet("784-128-64-1", 32, 11L, true);
        assertThat(buggy.parameters).isEqualTo(108_801);
        CheckReport r = GradientChecker.defaults().fast(2).checkGraph(buggy.graph, buggy.loss);
        // What the fast benchmarks time: the per-node checks name exactly the planted pairs, each
        // with its worst entries; end to end, both planted parameters fail too.
        assertThat(failing(r, false)).containsExactly("fc1/b", "fc2/W");
        for (InputResult f : r.failures()) {
            if (!f.endToEnd()) {
                assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
                assertThat(f.worstEntries()).isNotEmpty();
            }
        }
        assertThat(failing(r, true)).contains("fc1.bias", "fc2.weight");
        Nets.Net correct = Nets.randomNet("784-128-64-1", 32, 11L, false);
        // The correct net passes, per node and end to end (a random direction that crosses ReLU
        // kinks must not raise a false alarm).
        CheckReport cr = GradientChecker.defaults().fast(2).checkGraph(correct.graph, correct.loss);
        assertThat(cr.passed()).as(cr.render()).isTrue();
    }

    @Test
    void aTrainingStepLowersTheLossOnAFixedBatch() {
        Sequential model = Nets.mlp("64-32-16-1", 7L);
        Tensor[] d = Nets.batch(64, 1, 64, 8L);
        Adam adam = new Adam(1e-3);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int s = 0; s < 50; s++) {
            ModelGraph mg = model.graph(d[0], d[1], true);
            mg.graph().zeroGrad();
            mg.backward();
            adam.step(model.parameters());
            last = mg.lossValue();
            if (s == 0) {
                first = last;
            }
        }
        assertThat(last).isLessThan(first);
    }

    @Test
    void badNetSizesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Nets.sizes("784")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need at least input-output");
        assertThatThrownBy(() -> Nets.sizes("4-0-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width 0 must be ≥ 1");
        assertThatThrownBy(() -> Nets.randomNet("4-5-1", 3, 1L, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need four widths");
    }
}
