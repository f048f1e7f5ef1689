package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Layer;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.junit.jupiter.api.Test;

/** Building models: names, widths, seeds, dropout modes and parameter access. */
class SequentialTest {

    private static Sequential.Builder fraud(long seed) {
        return Sequential.builder(4).seed(seed)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1, Initializer.xavier()).sigmoid()
                .loss(new BinaryCrossEntropy());
    }

    @Test
    void parametersHaveDottedNamesInDeclarationOrder() {
        Sequential m = fraud(1).build();
        assertThat(m.parameters()).extracting(Parameter::name).containsExactly(
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
        assertThat(m.layers()).extracting(Layer::name)
                .containsExactly("fc1", "relu1", "fc2", "relu2", "fc3", "sigmoid1");
        assertThat(m.parameter("fc1.weight").value().shape()).isEqualTo("5×4");
        assertThat(m.parameter("fc3.bias").value()).isEqualTo(Tensor.zeros(1, 1));
    }

    @Test
    void theSameSeedGivesTheSameModelAndAnotherSeedAnother() {
        Sequential a = fraud(7).build();
        Sequential b = fraud(7).build();
        Sequential c = fraud(8).build();
        assertThat(a.parameter("fc2.weight").value()).isEqualTo(b.parameter("fc2.weight").value());
        assertThat(a.parameter("fc2.weight").value()).isNotEqualTo(c.parameter("fc2.weight").value());
    }

    @Test
    void heInitializationHasTheRightSpread() {
        Tensor w = Initializer.he().initialize(200, 50, new Well19937c(3));
        double var = w.dot(w) / w.size();
        assertThat(var).isBetween(2.0 / 50 * 0.9, 2.0 / 50 * 1.1);
        Tensor x = Initializer.xavier().initialize(200, 50, new Well19937c(3));
        assertThat(x.dot(x) / x.size()).isBetween(2.0 / 250 * 0.9, 2.0 / 250 * 1.1);
        assertThat(Initializer.zeros().initialize(2, 3, new Well19937c(3))).isEqualTo(Tensor.zeros(2, 3));
        assertThat(Initializer.normal(0.0).initialize(2, 3, new Well19937c(3)).maxAbs()).isEqualTo(0.0);
        assertThatThrownBy(() -> Initializer.normal(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void graphHasInputLabelsOutputAndLossNodes() {
        Sequential m = fraud(1).build();
        Tensor x = Tensor.randn(4, 6, 2L);
        Tensor y = Tensor.row(1, 0, 1, 0, 0, 1);
        ModelGraph mg = m.graph(x, y, true);
        assertThat(mg.input().label()).isEqualTo("X");
        assertThat(mg.labels().label()).isEqualTo("Y");
        assertThat(mg.output().label()).isEqualTo("sigmoid1");
        assertThat(mg.loss().label()).isEqualTo("loss");
        assertThat(mg.graph().node("fc2").op()).isInstanceOf(Linear.class);
        assertThat(mg.prediction()).isEqualTo(m.predict(x));
        assertThat(mg.lossValue()).isEqualTo(new BinaryCrossEntropy().forward(m.predict(x), y).item());
    }

    @Test
    void aLayerOfSizeZeroIsAClearError() {
        assertThatThrownBy(() -> Sequential.builder(4).dense("fc1", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc1").hasMessageContaining("0 units");
        assertThatThrownBy(() -> Sequential.builder(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input width");
    }

    @Test
    void aMismatchedInputWidthIsAClearError() {
        Dense fc = new Dense("fc9", 3, 2, Initializer.he(), new Well19937c(1));
        assertThatThrownBy(() -> Sequential.builder(4).add(fc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc9").hasMessageContaining("3 rows").hasMessageContaining("got 4");
        Sequential m = fraud(1).build();
        assertThatThrownBy(() -> m.graph(Tensor.zeros(3, 2), Tensor.zeros(1, 2), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3×2").hasMessageContaining("4 features");
        assertThatThrownBy(() -> m.graph(Tensor.zeros(4, 2), Tensor.zeros(1, 3), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BinaryCrossEntropy").hasMessageContaining("1×2").hasMessageContaining("1×3");
    }

    @Test
    void duplicateNamesAndMissingLossAreRejected() {
        assertThatThrownBy(() -> Sequential.builder(2).dense("fc", 2).dense("fc", 2)
                .loss(new MeanSquaredError()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fc'");
        assertThatThrownBy(() -> Sequential.builder(2).dense("fc", 2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss");
    }

    @Test
    void setParameterByNameCopiesAndValidates() {
        Sequential m = fraud(1).build();
        Tensor w = Tensor.randn(3, 5, 9L);
        m.setParameter("fc2.weight", w);
        assertThat(m.parameter("fc2.weight").value()).isEqualTo(w).isNotSameAs(w);
        Tensor before = m.parameter("fc2.weight").value().copy();
        assertThatThrownBy(() -> m.setParameter("fc2.weight", Tensor.zeros(5, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc2.weight").hasMessageContaining("3×5").hasMessageContaining("5×3");
        assertThat(m.parameter("fc2.weight").value()).isEqualTo(before);
        assertThatThrownBy(() -> m.setParameter("fc4.weight", w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc4.weight").hasMessageContaining("fc1.weight");
    }

    @Test
    void dropoutDrawsSeededMasksInTrainingAndPassesThroughInEvaluation() {
        Sequential m = Sequential.builder(3).seed(5)
                .dense("fc1", 8).relu().dropout(0.5)
                .dense("fc2", 1).sigmoid()
                .loss(new BinaryCrossEntropy()).build();
        Tensor x = Tensor.randn(3, 10, 4L);
        Tensor y = Tensor.filled(1, 10, 1.0);
        ModelGraph train = m.graph(x, y, true);
        Node mask = train.graph().node("dropout1.mask");
        assertThat(mask.kind()).isEqualTo(Node.Kind.INPUT);
        assertThat(mask.value().shape()).isEqualTo("8×10");
        for (double v : mask.value().data()) {
            assertThat(v).isIn(0.0, 2.0);
        }
        // A fresh mask each training graph, from the layer's seeded generator.
        Tensor second = m.graph(x, y, true).graph().node("dropout1.mask").value();
        assertThat(second).isNotEqualTo(mask.value());
        // The same model seed replays the same masks.
        Sequential again = Sequential.builder(3).seed(5)
                .dense("fc1", 8).relu().dropout(0.5)
                .dense("fc2", 1).sigmoid()
                .loss(new BinaryCrossEntropy()).build();
        assertThat(again.graph(x, y, true).graph().node("dropout1.mask").value()).isEqualTo(mask.value());
        // Evaluation: no mask, no dropout node, deterministic output.
        ModelGraph eval = m.graph(x, y, false);
        assertThat(eval.graph().nodes()).extracting(Node::label).doesNotContain("dropout1", "dropout1.mask");
        assertThat(m.predict(x)).isEqualTo(eval.prediction());
        assertThat(List.of(m.layers().get(2).name())).containsExactly("dropout1");
    }

    /** predictProbabilities reads what the output means from the loss. */
    @Test
    void predictProbabilitiesAppliesWhatTheLossAppliesAndRefusesValues() {
        Tensor x = Tensor.randn(3, 6, 4);
        Sequential logits = Sequential.builder(3).seed(2).dense("fc1", 4).relu().dense("fc2", 1)
                .loss(new org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy()).build();
        Tensor z = logits.predict(x);
        Tensor p = logits.predictProbabilities(x);
        for (int j = 0; j < 6; j++) {
            assertThat(p.get(0, j)).isEqualTo(org.autodifflite.core.ops.Sigmoid.sigmoid(z.get(0, j)));
        }
        assertThat(java.util.Arrays.stream(z.data()).anyMatch(v -> v < 0 || v > 1))
                .as("the raw output is off the probability scale").isTrue();

        Sequential classes = Sequential.builder(3).seed(2).dense("fc1", 4).relu().dense("fc2", 3)
                .loss(new org.autodifflite.layers.ops.SoftmaxCrossEntropy()).build();
        Tensor q = classes.predictProbabilities(x);
        Tensor zq = classes.predict(x);
        for (int j = 0; j < 6; j++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                sum += q.get(c, j);
                // Each probability is e^z / Σ e^z of its column.
                double denom = 0;
                for (int k = 0; k < 3; k++) {
                    denom += Math.exp(zq.get(k, j));
                }
                assertThat(q.get(c, j)).isCloseTo(Math.exp(zq.get(c, j)) / denom, org.assertj.core.api.Assertions.within(1e-15));
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-15));
        }

        Sequential probs = fraud(1).build();
        assertThat(probs.predictProbabilities(Tensor.randn(4, 5, 1))).isEqualTo(probs.predict(Tensor.randn(4, 5, 1)));

        Sequential values = Sequential.builder(3).dense("fc", 1).loss(new MeanSquaredError()).build();
        assertThatThrownBy(() -> values.predictProbabilities(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predictProbabilities: the model's loss is MeanSquaredError, so its outputs are values, not"
                        + " probabilities (only BinaryCrossEntropy, SigmoidBinaryCrossEntropy and SoftmaxCrossEntropy"
                        + " models predict probabilities); use predict(x)");
        Sequential noSigmoid = Sequential.builder(3).seed(3).dense("fc", 1).loss(new BinaryCrossEntropy()).build();
        noSigmoid.setParameter("fc.bias", Tensor.column(5));
        assertThatThrownBy(() -> noSigmoid.predictProbabilities(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not within [0, 1]; a model trained with BinaryCrossEntropy must end in a sigmoid");
    }
}
