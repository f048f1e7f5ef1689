package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.Layer;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** Whole models built from layers, checked node by node and end to end. */
class GraphGradientTest {

    /** The seed network with the notebook's two bugs planted as wrapper ops: fc2 dW ×2, fc1 db ×4. */
    private static Sequential buggySeedNetwork() {
        Sequential ok = SeedCase.network();
        Dense fc1 = (Dense) ok.layers().get(0);
        Dense fc2 = (Dense) ok.layers().get(2);
        List<Layer> layers = new ArrayList<>(ok.layers());
        layers.set(0, new OverrideOpLayer(fc1, new ScaledBackward(new Linear(), 2, 4.0)));
        layers.set(2, new OverrideOpLayer(fc2, new ScaledBackward(new Linear(), 1, 2.0)));
        return Sequential.of(4, ok.loss(), layers);
    }

    private static ModelGraph seedGraph(Sequential model) {
        Map<String, Tensor> t = SeedCase.testCase();
        return model.graph(t.get("X"), t.get("Y"), true);
    }

    @Test
    void theSeedNetworkPassesInDefaultMode() {
        ModelGraph mg = seedGraph(SeedCase.network());
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        System.out.println("seed network, default mode: e2e difference " + r.endToEndDifference());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.endToEndDifference()).isLessThanOrEqualTo(1e-9);
    }

    @Test
    void theNotebooksTwoBugsAreFoundExactlyAndDiagnosed() {
        ModelGraph mg = seedGraph(buggySeedNetwork());
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        System.out.println(r.render());
        List<String> nodeFailures = r.failures().stream().filter(f -> !f.endToEnd())
                .map(f -> f.node() + "." + f.inputName()).toList();
        assertThat(nodeFailures).containsExactly("fc1.b", "fc2.W");
        List<String> e2eFailures = r.failures().stream().filter(InputResult::endToEnd)
                .map(InputResult::inputName).toList();
        assertThat(e2eFailures).containsExactlyInAnyOrder("fc1.bias", "fc2.weight");
        InputResult b = r.failures().get(0);
        InputResult w = r.failures().get(1);
        assertThat(b.diagnosis()).contains("4.00 × numeric");
        assertThat(w.diagnosis()).contains("2.00 × numeric");
    }

    @Test
    void seedModeReproducesTheNotebooksBuggyDifference() {
        ModelGraph mg = seedGraph(buggySeedNetwork());
        CheckReport r = GradientChecker.defaults().seedMode().checkEndToEnd(mg.graph(), mg.loss());
        System.out.println("seed network with the notebook's bugs, seed mode: e2e difference " + r.endToEndDifference());
        assertThat(r.endToEndDifference()).isCloseTo(0.2850931567761624, within(1e-8));
        assertThat(r.passed()).isFalse();
    }

    @Test
    void aGraphWithDropoutChecksAndPasses() {
        Sequential model = Sequential.builder(4).seed(3)
                .dense("fc1", 6).relu().dropout(0.6)
                .dense("fc2", 3).tanh().dropout(0.8)
                .dense("fc3", 1).sigmoid()
                .loss(new BinaryCrossEntropy()).build();
        FraudData d = FraudData.generate(8, 4);
        ModelGraph mg = model.graph(d.x, d.y, true);
        assertThat(mg.graph().node("dropout1.mask").value().data()).contains(0.0);
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.results()).extracting(InputResult::node).contains("dropout1", "dropout2");
    }

    @Test
    void otherLossesAndActivationsCheckInAGraph() {
        Sequential model = Sequential.builder(3).seed(8)
                .dense("fc1", 5).leakyRelu(0.05)
                .dense("fc2", 4).tanh()
                .dense("out", 3)
                .loss(new SoftmaxCrossEntropy()).build();
        Tensor x = Tensor.randn(3, 6, new Well19937c(2));
        Tensor y = Tensor.zeros(3, 6);
        for (int j = 0; j < 6; j++) {
            y.set(j % 3, j, 1.0);
        }
        ModelGraph mg = model.graph(x, y, true);
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
    }

    @Test
    void aTrainingListenerCanRunASampledGradientCheck() {
        FraudData d = FraudData.generate(64, 9);
        List<CheckReport> reports = new ArrayList<>();
        GradientChecker sampled = GradientChecker.defaults().subset(5).withThreads(1);
        Trainer.of(SeedCase.network(), new Adam(0.01)).epochs(2).batchSize(16).seed(1)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepEvent e) {
                        if (e.step() % 3 == 0) {
                            e.model().graph().recompute();   // node values after the step
                            reports.add(sampled.checkGraph(e.model().graph(), e.model().loss()));
                        }
                    }
                }).fit(d.x, d.y);
        assertThat(reports).hasSize(2);
        for (CheckReport r : reports) {
            assertThat(r.passed()).as(r.render()).isTrue();
        }
    }
}
