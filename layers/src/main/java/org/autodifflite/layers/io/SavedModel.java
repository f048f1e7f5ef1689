package org.autodifflite.layers.io;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.CsvTable;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.Model;
import org.autodifflite.layers.model.Sequential;

/**
 * A model with what it takes to use it on raw data: the {@link Standardizer} its inputs were
 * scaled with, the names of its feature columns (in the order of its input rows) and the name
 * of its label. This is what {@link ModelFile#save(SavedModel, java.nio.file.Path)} writes and
 * {@link ModelFile#load(java.nio.file.Path)} gives back, ready to predict:
 *
 * <pre>{@code
 * ModelFile.save(SavedModel.of(model).withScaler(scaler)
 *         .withFeatureNames(train.featureNames()).withLabelName("fraud"), Path.of("fraud-model.txt"));
 *
 * SavedModel saved = ModelFile.load(Path.of("fraud-model.txt"));        // no code: the file says it all
 * Tensor p = saved.predictProbabilities(CsvTable.read(Path.of("new.csv")));   // columns by name, scaled
 * }</pre>
 *
 * <p><b>Raw features in.</b> {@link #predict(Tensor)} and {@link #predictProbabilities(Tensor)}
 * take features as they come (features × samples, unscaled) and apply the scaler first; the
 * {@link CsvTable} overloads also pick the feature columns by name.
 *
 * <p><b>Probabilities or logits.</b> {@link #predict} returns what the model's last layer
 * computes — logits for a model trained with
 * {@link org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy}; {@link #predictProbabilities}
 * returns probabilities (see {@link Sequential#predictProbabilities(Tensor)}).
 *
 * <p>Immutable: the {@code with…} methods return a new instance (the model itself is shared,
 * not copied).
 */
public final class SavedModel {

    private final Model model;
    private final Standardizer scaler;
    private final List<String> featureNames;
    private final String labelName;

    private SavedModel(Model model, Standardizer scaler, List<String> featureNames, String labelName) {
        this.model = model;
        this.scaler = scaler;
        this.featureNames = featureNames;
        this.labelName = labelName;
    }

    /**
     * A model alone: no scaler, no column names.
     *
     * @param model the model
     * @return the saved model
     */
    public static SavedModel of(Model model) {
        return new SavedModel(Objects.requireNonNull(model, "model"), null, List.of(), null);
    }

    /**
     * With the scaler the model's inputs were standardized with (fitted on the training set).
     *
     * @param scaler the standardizer, with one mean and deviation per input feature
     * @return a new saved model
     * @throws IllegalArgumentException if the model does not take one input of features × batch,
     *     or the scaler handles another number of features
     */
    public SavedModel withScaler(Standardizer scaler) {
        Objects.requireNonNull(scaler, "scaler");
        int width = requireFeatureInput("a scaler");
        if (scaler.featureCount() != width) {
            throw new IllegalArgumentException("SavedModel: the scaler handles " + scaler.featureCount()
                    + " features but the model takes " + width + "; fit the scaler on the features the model was"
                    + " trained on");
        }
        return new SavedModel(model, scaler, featureNames, labelName);
    }

    /**
     * With the names of the feature columns, in the order of the model's input rows: what a CSV
     * file must hold for {@link #featuresOf(CsvTable)}.
     *
     * @param names one name per input feature, unique, each non-empty, without line breaks and
     *     without spaces at either end (a model file writes each on a line of its own)
     * @return a new saved model
     * @throws IllegalArgumentException if the count is not the model's number of input features,
     *     a name repeats or is the label's, or a name cannot be written
     */
    public SavedModel withFeatureNames(List<String> names) {
        Objects.requireNonNull(names, "names");
        int width = requireFeatureInput("feature names");
        if (names.size() != width) {
            throw new IllegalArgumentException("SavedModel: " + names.size() + " feature names " + names
                    + " for a model of " + width + " input features; name every input row, in order");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            requireWritable(n, "feature name");
            if (!seen.add(n)) {
                throw new IllegalArgumentException("SavedModel: feature name '" + n + "' appears twice in " + names);
            }
        }
        if (labelName != null && seen.contains(labelName)) {
            throw labelIsAFeature(labelName);
        }
        return new SavedModel(model, scaler, List.copyOf(names), labelName);
    }

    /**
     * With the name of the label (the column a CSV of training data holds the answers in); a CSV
     * to predict on may hold it too, and it is then ignored.
     *
     * @param name the label's name: non-empty, no line breaks, no spaces at either end
     * @return a new saved model
     * @throws IllegalArgumentException if the name is a feature's or cannot be written
     */
    public SavedModel withLabelName(String name) {
        requireWritable(name, "label name");
        if (featureNames.contains(name)) {
            throw labelIsAFeature(name);
        }
        return new SavedModel(model, scaler, featureNames, name);
    }

    /** @return the model (live: the same object, not a copy) */
    public Model model() {
        return model;
    }

    /** @return the scaler applied to raw features before the model, if any */
    public Optional<Standardizer> scaler() {
        return Optional.ofNullable(scaler);
    }

    /** @return the feature column names in the order of the model's input rows; empty if not named */
    public List<String> featureNames() {
        return featureNames;
    }

    /** @return the label's name, if known */
    public Optional<String> labelName() {
        return Optional.ofNullable(labelName);
    }

    /**
     * The model's features out of a table, by column name, in the model's order: the table must
     * hold every feature column and nothing else but, optionally, the label column (which is
     * ignored). The columns may come in any order.
     *
     * @param table the table, such as {@code CsvTable.read(path)}
     * @return the raw (unscaled) features, {@code features × rows}
     * @throws IllegalArgumentException if the feature names are not known, a feature column is
     *     missing or a column is not the model's (the message names them and the model's
     *     columns), or a field of a feature column is empty, not a number or not finite (the
     *     message names the line and the column)
     */
    public Tensor featuresOf(CsvTable table) {
        Objects.requireNonNull(table, "table");
        if (featureNames.isEmpty()) {
            throw new IllegalArgumentException(table.source() + ": the model was saved without the names of its"
                    + " feature columns, so they cannot be matched by name; take them out yourself in the training"
                    + " order, table.matrix(List.of(…)), or save the model with withFeatureNames(…)");
        }
        List<String> columns = table.columnNames();
        List<String> missing = new ArrayList<>();
        for (String f : featureNames) {
            if (!columns.contains(f)) {
                missing.add(f);
            }
        }
        List<String> extra = new ArrayList<>();
        for (String c : columns) {
            if (!featureNames.contains(c) && !c.equals(labelName)) {
                extra.add(c);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            StringBuilder m = new StringBuilder(table.source().toString()).append(": the columns do not match the model's:");
            if (!missing.isEmpty()) {
                m.append(" missing ").append(quoted(missing));
            }
            if (!extra.isEmpty()) {
                m.append(missing.isEmpty() ? " " : "; ").append(quoted(extra))
                        .append(extra.size() == 1 ? " is not a feature" : " are not features").append(" of the model");
            }
            m.append(". The model takes the columns ").append(featureNames)
                    .append(labelName == null ? "" : " (and ignores the label column '" + labelName + "')")
                    .append(", by name, in any order: ");
            if (!missing.isEmpty()) {
                m.append(missing.size() == 1 ? "add the missing column" : "add the missing columns");
            }
            if (!extra.isEmpty()) {
                m.append(missing.isEmpty() ? "" : " and ").append(extra.size() == 1 ? "remove the extra column"
                        : "remove the extra columns");
            }
            throw new IllegalArgumentException(m.toString());
        }
        return table.matrix(featureNames);
    }

    /**
     * The model's output on raw features: scaled with the saved scaler (if any), then
     * {@code predict} in evaluation mode. Logits, for a model trained with
     * {@code SigmoidBinaryCrossEntropy}; see {@link #predictProbabilities(Tensor)}.
     *
     * @param features raw features × samples, in the order of {@link #featureNames()}
     * @return the model's output, one column per sample
     * @throws IllegalArgumentException if the features do not fit the scaler or the model, or
     *     the model takes several inputs (call {@code model().predict(Map)} then)
     */
    public Tensor predict(Tensor features) {
        Tensor x = scaled(features);
        if (model instanceof Sequential s) {
            return s.predict(x);
        }
        return model.predict(Map.of(singleInput("predict"), x));
    }

    /**
     * The model's output on a table's rows: {@code predict(featuresOf(table))}.
     *
     * @param table the rows to predict
     * @return the model's output, one column per row
     * @throws IllegalArgumentException as {@link #featuresOf(CsvTable)} and {@link #predict(Tensor)}
     */
    public Tensor predict(CsvTable table) {
        return predict(featuresOf(table));
    }

    /**
     * Probabilities on raw features: scaled with the saved scaler (if any), then
     * {@link Sequential#predictProbabilities(Tensor)} — the sigmoid of the logits for a model
     * trained with {@code SigmoidBinaryCrossEntropy}, the softmax of each column for
     * {@code SoftmaxCrossEntropy}, the output itself for {@code BinaryCrossEntropy}.
     *
     * @param features raw features × samples, in the order of {@link #featureNames()}
     * @return the probabilities, one column per sample, each within [0, 1]
     * @throws IllegalArgumentException if the model is not a {@link Sequential} (whose loss says
     *     what its outputs mean), its loss predicts values rather than probabilities, or the
     *     features do not fit
     */
    public Tensor predictProbabilities(Tensor features) {
        if (!(model instanceof Sequential s)) {
            throw new IllegalArgumentException("SavedModel: predictProbabilities needs a Sequential, whose loss says"
                    + " what its outputs mean; this model is a " + model.getClass().getSimpleName()
                    + ": use predict(x) and apply the sigmoid (or softmax) yourself if its outputs are logits");
        }
        return s.predictProbabilities(scaled(features));
    }

    /**
     * Probabilities on a table's rows: {@code predictProbabilities(featuresOf(table))}.
     *
     * @param table the rows to predict
     * @return the probabilities, one column per row
     * @throws IllegalArgumentException as {@link #featuresOf(CsvTable)} and
     *     {@link #predictProbabilities(Tensor)}
     */
    public Tensor predictProbabilities(CsvTable table) {
        return predictProbabilities(featuresOf(table));
    }

    /** @return the model, the feature and label names and whether there is a scaler, for logs */
    @Override
    public String toString() {
        return "SavedModel(" + model + (featureNames.isEmpty() ? "" : ", features " + featureNames)
                + (labelName == null ? "" : ", label " + labelName)
                + (scaler == null ? ", no scaler" : ", standardized") + ")";
    }

    private Tensor scaled(Tensor features) {
        Objects.requireNonNull(features, "features");
        return scaler == null ? features : scaler.transform(features);
    }

    private String singleInput(String what) {
        List<String> inputs = new ArrayList<>(model.dataNames());
        inputs.remove(model.labelsName());
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("SavedModel: " + what + "(features) feeds one input, but the model takes "
                    + inputs + "; call model().predict(Map.of(name, tensor, …))");
        }
        return inputs.get(0);
    }

    private int requireFeatureInput(String what) {
        int width = featureWidth(model);
        if (width < 0) {
            throw new IllegalArgumentException("SavedModel: the model (" + model.getClass().getSimpleName() + ", data "
                    + model.dataNames() + ") has no single input of features × batch, so it cannot take " + what
                    + "; a Sequential, or a GraphModel with one input(\"x\", n), has one");
        }
        return width;
    }

    /**
     * The number of features of a model's single feature-vector input (features × batch): a
     * {@link Sequential}'s input width, or that of a {@link GraphModel}'s only input when it is
     * declared with one number; -1 for any other model.
     */
    static int featureWidth(Model model) {
        if (model instanceof Sequential s) {
            return s.inputWidth();
        }
        if (model instanceof GraphModel g) {
            List<String> inputs = new ArrayList<>(g.dataNames());
            inputs.remove(g.labelsName());
            if (inputs.size() == 1) {
                int[] dims = g.batchDims(inputs.get(0), 1);
                if (dims.length == 2 && g.sampleAxis(inputs.get(0)) == 1) {
                    return dims[0];
                }
            }
        }
        return -1;
    }

    /**
     * Throws unless a name can be written on a line of a model file and read back the same:
     * non-empty, no line break, no space at either end.
     */
    static void requireWritable(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || !name.strip().equals(name) || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("SavedModel: " + what + " '" + name.replace("\n", "\\n").replace("\r", "\\r")
                    + "' cannot be written to a model file, which gives each name a line of its own: a name must be"
                    + " non-empty, without line breaks and without spaces at either end");
        }
    }

    private static IllegalArgumentException labelIsAFeature(String name) {
        return new IllegalArgumentException("SavedModel: '" + name + "' is both the label and a feature name;"
                + " a model must not see the answer among its inputs");
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append('\'');
        }
        return sb.toString();
    }
}
