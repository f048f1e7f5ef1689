package org.autodifflite.layers.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphModelTest {

    private static final ReLU RELU = new ReLU();
    private static final Sigmoid SIGMOID = new Sigmoid();

    /** Two inputs stacked as rows (the expression API's concat does this; kept local to test the model alone). */
    private static final class StackRows implements org.autodifflite.core.Op {
        @Override
        public String name() {
            return "StackRows";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return Tensor.concat(0, in);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            int r = in[0].rows();
            return new Tensor[] {g.slice(0, 0, r), g.slice(0, r, g.rows())};
        }
    }

    private static Map<String, Tensor> data(int n, long seed) {
        Tensor a = Tensor.randn(3, n, seed);
        Tensor b = Tensor.randn(3, n, seed + 1);
        Tensor y = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            y.set(0, j, a.get(0, j) + b.get(1, j) > 0 ? 1 : 0);
        }
        return Map.of("a", a, "b", b, "y", y);
    }

    @Test
    void parametersAreCreatedOnceSeededAndInTheOrderAskedFor() {
        GraphModel m1 = twoInput(5);
        GraphModel m2 = twoInput(5);
        List<String> names = new ArrayList<>();
        for (Parameter p : m1.parameters()) {
            names.add(p.name() + " " + p.value().shape());
        }
        assertThat(names).containsExactly("enc.weight 4×3", "enc.bias 4×1", "head.weight 1×8", "head.bias 1×1");
        for (int i = 0; i < m1.parameters().size(); i++) {
            assertThat(m1.parameters().get(i).value()).isEqualTo(m2.parameters().get(i).value());
        }
        assertThat(m1.dataNames()).containsExactly("a", "b", "y");
        assertThat(m1.sampleAxis("a")).isEqualTo(1);
        assertThat(m1.toString()).contains("a 3×batch").contains("labels y 1×batch");
    }

    /** a and b through one shared encoder, concatenated as rows, then a head. */
    private static GraphModel twoInput(long seed) {
        return GraphModel.builder().seed(seed)
                .input("a", 3).input("b", 3).labels("y", 1)
                .forward(m -> {
                    Node ea = m.graph().apply(RELU, m.dense("enc", m.input("a"), 4));
                    Node eb = m.graph().apply(RELU, m.dense("enc", m.input("b"), 4));
                    Node both = m.graph().apply(new StackRows(), ea, eb);
                    return m.graph().apply(SIGMOID, m.dense("head", both, 1));
                })
                .loss(new BinaryCrossEntropy())
                .build();
    }

    @Test
    void aSharedLayerIsOneSetOfParametersWhoseGradientSumsBothUses() {
        GraphModel model = twoInput(5);
        ModelGraph mg = model.graph(data(6, 1L), true);
        // enc is used twice: the end-to-end check compares the summed gradient with the replay.
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(mg.graph().parameters()).extracting(Parameter::name)
                .containsExactly("enc.weight", "enc.bias", "head.weight", "head.bias");
        assertThat(mg.graph().node("enc").op().name()).isEqualTo("Linear");
    }

    @Test
    void theTrainerTrainsATwoInputModelAndItPredicts() {
        GraphModel model = twoInput(3);
        Map<String, Tensor> train = data(200, 10L);
        List<Double> losses = Trainer.of(model, new Adam(0.05)).epochs(30).batchSize(20).seed(2).fit(train);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.5);
        Map<String, Tensor> test = data(100, 20L);
        Tensor p = model.predict(Map.of("a", test.get("a"), "b", test.get("b")));
        int right = 0;
        for (int j = 0; j < 100; j++) {
            right += (p.get(0, j) > 0.5) == (test.get("y").get(0, j) == 1) ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(85);
    }

    @Test
    void aMissingInputAtFitTimeIsRefusedAndNothingChanges() {
        GraphModel model = twoInput(3);
        Tensor before = model.parameter("enc.weight").value().copy();
        Map<String, Tensor> d = data(10, 1L);
        assertThatThrownBy(() -> Trainer.of(model, new Adam(0.1)).fit(Map.of("a", d.get("a"), "y", d.get("y"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Trainer: the model takes [a, b, y] but got [a, y]; missing [b]. Pass one tensor per name"
                        + " (no parameter was changed)");
        assertThatThrownBy(() -> model.graph(Map.of("a", d.get("a"), "y", d.get("y")), true))
                .hasMessageContaining("GraphModel: input 'b' is missing; it takes [a, b, y]");
        assertThatThrownBy(() -> model.predict(Map.of("a", d.get("a"), "b", Tensor.zeros(3, 9))))
                .hasMessage("GraphModel: input 'b' is 3×9 but the model takes 3×batch, with the 10 samples of 'a'"
                        + " (one sample per column)");
        assertThatThrownBy(() -> model.predict(Map.of("a", Tensor.zeros(2, 10), "b", d.get("b"))))
                .hasMessage("GraphModel: input 'a' is 2×10 but the model takes 3×batch (one sample per column)");
        assertThat(model.parameter("enc.weight").value()).isEqualTo(before);
    }

    @Test
    void theForwardFunctionMustAskForTheSameParametersEveryRun() {
        boolean[] second = {false};
        GraphModel model = GraphModel.builder()
                .input("x", 2).labels("y", 1)
                .forward(m -> m.graph().apply(SIGMOID, m.dense(second[0] ? "other" : "fc", m.input("x"), 1)))
                .loss(new BinaryCrossEntropy())
                .build();
        second[0] = true;
        assertThatThrownBy(() -> model.predict(Tensor.zeros(2, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("parameter 'other.weight' did not exist when the model was built");
    }

    @Test
    void aSharedParameterAskedForWithAnotherShapeIsNamed() {
        assertThatThrownBy(() -> GraphModel.builder()
                .input("x", 2).labels("y", 1)
                .forward(m -> m.dense("fc", m.graph().apply(RELU, m.dense("fc", m.input("x"), 3)), 1))
                .loss(new BinaryCrossEntropy())
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GraphModel: parameter 'fc.weight' is 3×2 but is asked for as 1×3; a shared parameter"
                        + " must be used with one shape (give the other use another name)");
    }

    @Test
    void aBuilderWithoutTheEssentialsSaysWhatIsMissing() {
        assertThatThrownBy(() -> GraphModel.builder().input("x", 2).build())
                .hasMessage("GraphModel.Builder: call labels(name, dims…), forward(m -> …), loss(…) before build()");
        assertThatThrownBy(() -> GraphModel.builder().input("x", 2).input("x", 3))
                .hasMessage("GraphModel.Builder: data name 'x' is already declared");
        assertThatThrownBy(() -> GraphModel.builder().input("x"))
                .hasMessageContaining("'x' needs the dims of one sample");
    }

    /** Running statistics of the inputs' rows as a buffer: the stateful-layer pattern. */
    private static GraphModel withRunningMean() {
        return GraphModel.builder().seed(1)
                .input("x", 2).labels("y", 1)
                .forward(m -> {
                    Tensor running = m.buffer("stats.mean", Tensor.zeros(2, 1));
                    if (m.training()) {
                        Tensor batchMean = m.input("x").value().mean(new int[] {1}, true);
                        m.update("stats.mean", running.scale(0.9).add(batchMean.scale(0.1)));
                    }
                    return m.graph().apply(SIGMOID, m.dense("fc", m.input("x"), 1));
                })
                .loss(new BinaryCrossEntropy())
                .build();
    }

    @Test
    void stateChangesOnlyWhenATrainingStepCommitsIt(@TempDir Path dir) throws Exception {
        GraphModel model = withRunningMean();
        assertThat(model.buffers()).extracting(Parameter::name).containsExactly("stats.mean");
        Tensor x = Tensor.of(new double[][] {{1, 3}, {10, 30}});
        Tensor y = Tensor.row(0, 1);
        ModelGraph mg = model.graph(Map.of("x", x, "y", y), true);
        CheckReport r = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).isTrue();
        assertThat(model.buffers().get(0).value()).as("building and checking change no state")
                .isEqualTo(Tensor.zeros(2, 1));
        mg.commitUpdates();
        assertThat(model.buffers().get(0).value().data()).containsExactly(0.2, 2.0);
        Trainer.of(model, new Adam(0.01)).epochs(1).batchSize(2).fit(x, y);
        assertThat(model.buffers().get(0).value().data()).containsExactly(0.38, 3.8);

        Path file = dir.resolve("m.txt");
        ModelFile.save(model, file);
        GraphModel fresh = withRunningMean();
        ModelFile.load(fresh, file);
        assertThat(fresh.buffers().get(0).value()).isEqualTo(model.buffers().get(0).value());
        assertThat(fresh.parameter("fc.weight").value()).isEqualTo(model.parameter("fc.weight").value());
    }
}
