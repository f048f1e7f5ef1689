package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.data.CsvTable;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.io.SavedModel;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model with its scaler and column names: columns matched by name, raw features scaled, probabilities. */
class SavedModelTest {

    @TempDir
    Path dir;

    private static final Standardizer SCALER = Standardizer.of(new double[] {10, -1, 0.5}, new double[] {2, 0, 4});

    private static Sequential model() {
        return Sequential.builder(3).seed(7).dense("fc1", 4).relu().dense("fc2", 1)
                .loss(new SigmoidBinaryCrossEntropy()).build();
    }

    private static SavedModel saved() {
        return SavedModel.of(model()).withScaler(SCALER).withFeatureNames(List.of("amount", "hour", "distance km"))
                .withLabelName("fraud");
    }

    private CsvTable csv(String text) throws IOException {
        Path f = dir.resolve("rows.csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return CsvTable.read(f);
    }

    @Test
    void columnsAreTakenByNameInAnyOrderAndTheLabelColumnIsIgnored() throws IOException {
        SavedModel s = saved();
        CsvTable t = csv("fraud,distance km,amount,hour\n1,3,12,4\n0,-1,8.5,0\n");
        Tensor x = s.featuresOf(t);
        assertThat(x.toArray()).isEqualTo(new double[][] {{12, 8.5}, {4, 0}, {3, -1}});
        // predict: the scaler first (the constant feature 'hour' only centred), then the model.
        Sequential m = (Sequential) s.model();
        assertThat(s.predict(t)).isEqualTo(m.predict(SCALER.transform(x)));
        assertThat(s.predict(x)).isEqualTo(m.predict(Tensor.of(new double[][] {{1, -0.75}, {5, 1}, {0.625, -0.375}})));
        assertThat(s.predictProbabilities(t)).isEqualTo(new Sigmoid().forward(s.predict(t)));
        assertThat(s.predictProbabilities(x)).isEqualTo(m.predictProbabilities(SCALER.transform(x)));
        assertThat(s.toString()).isEqualTo("SavedModel(" + m + ", features [amount, hour, distance km], label fraud,"
                + " standardized)");
    }

    @Test
    void aMissingOrAnExtraColumnIsRefusedNamingItTheModelsColumnsAndTheFix() throws IOException {
        SavedModel s = saved();
        CsvTable missing = csv("amount,distance km\n1,2\n");
        assertThatThrownBy(() -> s.featuresOf(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing.source() + ": the columns do not match the model's: missing 'hour'. The model takes the"
                        + " columns [amount, hour, distance km] (and ignores the label column 'fraud'), by name, in any"
                        + " order: add the missing column");
        CsvTable extra = csv("amount,hour,distance km,note,id\n1,2,3,4,5\n");
        assertThatThrownBy(() -> s.predictProbabilities(extra)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(extra.source() + ": the columns do not match the model's: 'note', 'id' are not features of the"
                        + " model. The model takes the columns [amount, hour, distance km] (and ignores the label column"
                        + " 'fraud'), by name, in any order: remove the extra columns");
        CsvTable both = csv("amount,hour,distance,fraud\n1,2,3,0\n");
        assertThatThrownBy(() -> s.predict(both)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(both.source() + ": the columns do not match the model's: missing 'distance km'; 'distance' is"
                        + " not a feature of the model. The model takes the columns [amount, hour, distance km] (and"
                        + " ignores the label column 'fraud'), by name, in any order: add the missing column and remove"
                        + " the extra column");
        SavedModel noLabel = SavedModel.of(model()).withFeatureNames(List.of("amount", "hour", "distance km"));
        CsvTable withLabel = csv("amount,hour,distance km,fraud\n1,2,3,0\n");
        assertThatThrownBy(() -> noLabel.featuresOf(withLabel)).hasMessageContaining("'fraud' is not a feature of the"
                + " model. The model takes the columns [amount, hour, distance km], by name, in any order: remove the"
                + " extra column");
    }

    @Test
    void aCellThatIsNotANumberOrNaNIsRefusedWithLineColumnAndFix() throws IOException {
        SavedModel s = saved();
        CsvTable text = csv("amount,hour,distance km\n1,2,3\n\n4,five,6\n");
        assertThatThrownBy(() -> s.predictProbabilities(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text.source() + " line 4, column 2 'hour': 'five' is not a number; every field must be a"
                        + " number: correct it or remove the row");
        CsvTable nan = csv("amount,hour,distance km\n1,2,NaN\n");
        assertThatThrownBy(() -> s.predictProbabilities(nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(nan.source() + " line 2, column 3 'distance km': 'NaN' is not a finite number; a model cannot"
                        + " use NaN or infinities: put a value in its place (impute it) or remove the row");
        // A text column that is not the model's is refused as an extra column before any number is read.
        CsvTable id = csv("id,amount,hour,distance km\nA-1,1,2,3\n");
        assertThatThrownBy(() -> s.featuresOf(id)).hasMessageContaining("'id' is not a feature of the model");
    }

    @Test
    void namesAndScalerMustFitTheModel() throws IOException {
        SavedModel plain = SavedModel.of(model());
        assertThatThrownBy(() -> plain.withFeatureNames(List.of("a", "b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SavedModel: 2 feature names [a, b] for a model of 3 input features; name every input row,"
                        + " in order");
        assertThatThrownBy(() -> plain.withFeatureNames(List.of("a", "b", "a")))
                .hasMessage("SavedModel: feature name 'a' appears twice in [a, b, a]");
        assertThatThrownBy(() -> plain.withFeatureNames(List.of("a", " b", "c")))
                .hasMessage("SavedModel: feature name ' b' cannot be written to a model file, which gives each name a line"
                        + " of its own: a name must be non-empty, without line breaks and without spaces at either end");
        assertThatThrownBy(() -> plain.withLabelName("two\nlines")).hasMessageContaining("label name 'two\\nlines' cannot"
                + " be written");
        assertThatThrownBy(() -> plain.withFeatureNames(List.of("a", "b", "y")).withLabelName("y"))
                .hasMessage("SavedModel: 'y' is both the label and a feature name; a model must not see the answer among"
                        + " its inputs");
        assertThatThrownBy(() -> plain.withLabelName("y").withFeatureNames(List.of("a", "y", "c")))
                .hasMessageContaining("'y' is both the label and a feature name");
        assertThatThrownBy(() -> plain.withScaler(Standardizer.of(new double[] {0, 0}, new double[] {1, 1})))
                .hasMessage("SavedModel: the scaler handles 2 features but the model takes 3; fit the scaler on the"
                        + " features the model was trained on");
        CsvTable t = csv("a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> plain.featuresOf(t)).hasMessage(t.source() + ": the model was saved without the names"
                + " of its feature columns, so they cannot be matched by name; take them out yourself in the training"
                + " order, table.matrix(List.of(…)), or save the model with withFeatureNames(…)");
        // Without a scaler, predict feeds the features as they are.
        Tensor x = Tensor.randn(3, 2, 1);
        assertThat(plain.predict(x)).isEqualTo(((Sequential) plain.model()).predict(x));
    }

    @Test
    void aGraphModelPredictsThroughItsOneInputAndASeveralInputModelTakesNoScaler() {
        GraphModel one = GraphModel.builder().seed(1).input("x", 2).labels("y", 1)
                .forward(m -> m.dense("fc", m.input("x"), 1).sigmoid()).loss(new BinaryCrossEntropy()).build();
        Standardizer s = Standardizer.of(new double[] {1, 2}, new double[] {2, 2});
        SavedModel saved = SavedModel.of(one).withScaler(s).withFeatureNames(List.of("a", "b"));
        Tensor x = Tensor.of(new double[][] {{1, 3}, {2, 6}});
        assertThat(saved.predict(x)).isEqualTo(one.predict(s.transform(x)));
        assertThatThrownBy(() -> saved.predictProbabilities(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SavedModel: predictProbabilities needs a Sequential, whose loss says what its outputs mean;"
                        + " this model is a GraphModel: use predict(x) and apply the sigmoid (or softmax) yourself if its"
                        + " outputs are logits");
        GraphModel two = GraphModel.builder().seed(1).input("a", 2).input("b", 3).labels("y", 1)
                .forward(m -> m.dense("fa", m.input("a"), 1).add(m.dense("fb", m.input("b"), 1)).sigmoid())
                .loss(new BinaryCrossEntropy()).build();
        assertThatThrownBy(() -> SavedModel.of(two).withScaler(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SavedModel: the model (GraphModel, data [a, b, y]) has no single input of features × batch,"
                        + " so it cannot take a scaler; a Sequential, or a GraphModel with one input(\"x\", n), has one");
        assertThatThrownBy(() -> SavedModel.of(two).predict(x)).hasMessage("SavedModel: predict(features) feeds one"
                + " input, but the model takes [a, b]; call model().predict(Map.of(name, tensor, …))");
    }
}
