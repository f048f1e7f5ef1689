package org.autodifflite.layers.io;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.model.Activation;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.DropoutLayer;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Layer;
import org.autodifflite.layers.model.Model;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;

/**
 * Saves and loads models in a small, human-readable text format: a self-describing file that
 * {@link #load(Path)} turns back into a ready model without code.
 *
 * <pre>{@code
 * ModelFile.save(SavedModel.of(model).withScaler(scaler).withFeatureNames(names).withLabelName("fraud"), path);
 * SavedModel saved = ModelFile.load(path);                  // a Sequential: architecture, values, scaler
 * Tensor p = saved.predictProbabilities(CsvTable.read(Path.of("new.csv")));
 *
 * ModelFile.save(graphModel, path);                         // a GraphModel: its values and data declaration
 * ModelFile.load(sameGraphModelBuiltInCode, path);          // its forward function is code: build it, then load
 * }</pre>
 *
 * <h2>Format (version 2)</h2>
 * UTF-8 text, one item per line, tokens separated by spaces; blank lines and lines starting with
 * {@code #} are ignored.
 * <pre>
 * autodiff-lite-model 2
 * model Sequential                 (or: model GraphModel; or no model section: values only)
 * input 4
 * layer dense fc1 5
 * layer relu relu1
 * layer dropout dropout1 0.8
 * layer dense fc2 1
 * loss SigmoidBinaryCrossEntropy
 * features 4                       (optional: the input columns, in order, one per line)
 * feature amount
 * …
 * label fraud                      (optional)
 * standardizer                     (optional: one mean and deviation per input feature)
 * mean 12.5 3.25 0.5 1.0
 * std 3.0 1.0 0.0 2.0
 * parameters 4
 * parameter fc1.weight 5 4         (name and dims; then the values, one line per row of the last axis)
 * -0.3224172040135075 -0.38405435466841564 1.1337694423354374 -1.0998912673140309
 * …
 * buffers 0
 * end
 * </pre>
 * Every value is written with {@link Double#toString(double)}, which reads back to the identical
 * bits. The full description, with the layer kinds and losses a file names, is
 * {@code docs/model-format.md}.
 *
 * <h2>What loads into what</h2>
 * <ul>
 *   <li>{@link #load(Path)}: a file with a Sequential architecture → a new model, with its scaler
 *       and column names. A file of a {@link GraphModel} (whose forward function is code), a file
 *       of values only and a version-1 file are refused with a message saying to build the model
 *       in code and call {@link #load(Model, Path)}.</li>
 *   <li>{@link #load(Model, Path)}: any file (version 1 or 2) into a model built in code with
 *       the same parameters and buffers (and, if the file describes one, the same architecture or
 *       data declaration).</li>
 *   <li>{@link #load(List, Path)}: the values of any file into parameters matched by name.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>All or nothing.</b> Loading parses and validates the whole file before assigning
 *       anything: a file whose architecture, names, shapes or values do not fit (an unknown,
 *       missing or repeated name, another shape, a value that is not a finite number, another
 *       layer, a truncated or corrupt file) fails with an {@link IllegalArgumentException}
 *       naming the file, the line, the parameter and expected versus found, and the model keeps
 *       exactly its previous values.</li>
 *   <li><b>Atomic save</b> ({@link AtomicFile}): a crash or an error leaves either the old file
 *       or the new one, never half a model; a refused save (a non-finite value, a layer the
 *       format cannot describe) leaves the previous file untouched.</li>
 * </ul>
 */
public final class ModelFile {

    /** The first word of every file this class writes (format version 2). */
    public static final String MAGIC = "autodiff-lite-model";

    /** The format version this class writes. */
    public static final int VERSION = 2;

    /** The first word of a version-1 file (parameters only), which this class still reads. */
    public static final String MAGIC_V1 = "autodiff-lite-parameters";

    private static final String SEQUENTIAL = "Sequential";
    private static final String GRAPH_MODEL = "GraphModel";

    /** The losses a file can name, by their op's name (each shipped loss holds no settings). */
    private static final Map<String, Supplier<Op>> LOSSES = new LinkedHashMap<>();

    static {
        LOSSES.put("BinaryCrossEntropy", BinaryCrossEntropy::new);
        LOSSES.put("SigmoidBinaryCrossEntropy", SigmoidBinaryCrossEntropy::new);
        LOSSES.put("MeanSquaredError", MeanSquaredError::new);
        LOSSES.put("SoftmaxCrossEntropy", SoftmaxCrossEntropy::new);
    }

    private static final String LAYER_KINDS = "dense, relu, leakyRelu, sigmoid, tanh and dropout";

    private ModelFile() {
    }

    // ------------------------------------------------------------------ saving

    /**
     * Saves a model atomically: for a {@link Sequential}, its architecture (so that
     * {@link #load(Path)} rebuilds it); for a {@link GraphModel}, its data declaration; then its
     * parameters and buffers (for a model of any other class, those alone). The same as
     * {@code save(SavedModel.of(model), file)}.
     *
     * @param model the model
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a value is not finite, or a Sequential has a layer or
     *     loss the format cannot describe (the message names it and what to do); nothing is
     *     written then
     */
    public static void save(Model model, Path file) throws IOException {
        save(SavedModel.of(model), file);
    }

    /**
     * Saves a model with its scaler, feature names and label name atomically, as
     * {@link #save(Model, Path)} does the model alone.
     *
     * @param saved the model and what goes with it
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a value is not finite, or a Sequential has a layer or
     *     loss the format cannot describe; nothing is written then
     */
    public static void save(SavedModel saved, Path file) throws IOException {
        AtomicFile.write(file, format(saved));
    }

    /**
     * Saves a model's values alone — parameters and buffers, no architecture — atomically, for
     * any model, including a Sequential with a layer of your own. Load them with
     * {@link #load(Model, Path)} into the model built in code.
     *
     * @param model the model
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a value is not finite; nothing is written then
     */
    public static void saveParameters(Model model, Path file) throws IOException {
        StringBuilder sb = header();
        appendValues(sb, "parameter", model.parameters());
        appendValues(sb, "buffer", model.buffers());
        AtomicFile.write(file, sb.append("end\n"));
    }

    /**
     * Saves parameters alone atomically (a file of values only; see
     * {@link #saveParameters(Model, Path)}).
     *
     * @param parameters the parameters, written in this order
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a parameter holds a non-finite value
     */
    public static void save(List<Parameter> parameters, Path file) throws IOException {
        StringBuilder sb = header();
        appendValues(sb, "parameter", parameters);
        appendValues(sb, "buffer", List.of());
        AtomicFile.write(file, sb.append("end\n"));
    }

    /** The file's text for a saved model. */
    static String format(SavedModel saved) {
        Model model = saved.model();
        StringBuilder sb = header();
        if (model instanceof Sequential s) {
            sb.append("model ").append(SEQUENTIAL).append('\n');
            for (String line : describe(s)) {
                sb.append(line).append('\n');
            }
        } else if (model instanceof GraphModel g) {
            sb.append("# A GraphModel's forward function is code, not data: build the model in code and give it\n")
                    .append("# these values with ModelFile.load(model, path).\n");
            sb.append("model ").append(GRAPH_MODEL).append('\n');
            for (String line : declare(g)) {
                sb.append(line).append('\n');
            }
        }
        if (!saved.featureNames().isEmpty()) {
            sb.append("features ").append(saved.featureNames().size()).append('\n');
            for (String f : saved.featureNames()) {
                sb.append("feature ").append(f).append('\n');
            }
        }
        saved.labelName().ifPresent(l -> sb.append("label ").append(l).append('\n'));
        saved.scaler().ifPresent(s -> {
            sb.append("standardizer\n");
            appendRow(sb.append("mean"), s.means());
            appendRow(sb.append("std"), s.stds());
        });
        appendValues(sb, "parameter", model.parameters());
        appendValues(sb, "buffer", model.buffers());
        return sb.append("end\n").toString();
    }

    private static StringBuilder header() {
        return new StringBuilder(MAGIC).append(' ').append(VERSION).append('\n');
    }

    private static void appendRow(StringBuilder sb, double[] values) {
        for (double v : values) {
            sb.append(' ').append(Double.toString(v));
        }
        sb.append('\n');
    }

    /**
     * {@code parameters N} (or {@code buffers N}), then per tensor its header and its values: one
     * line per row of the last axis (a rank-0 or rank-1 tensor is one line; an empty one none).
     */
    private static void appendValues(StringBuilder sb, String kind, List<Parameter> tensors) {
        sb.append(kind).append("s ").append(tensors.size()).append('\n');
        for (Parameter p : tensors) {
            Tensor v = p.value();
            if (!v.isFinite()) {
                throw new IllegalArgumentException("ModelFile: " + kind + " '" + p.name()
                        + "' holds NaN or infinite values; refusing to save a model that cannot be loaded");
            }
            sb.append(kind).append(' ').append(p.name());
            for (int d : v.dims()) {
                sb.append(' ').append(d);
            }
            sb.append('\n');
            double[] data = v.data();
            int width = rowWidth(v.dims());
            for (int start = 0; start < data.length; start += width) {
                for (int j = 0; j < width; j++) {
                    if (j > 0) {
                        sb.append(' ');
                    }
                    sb.append(Double.toString(data[start + j]));
                }
                sb.append('\n');
            }
        }
    }

    /** The number of values on one line of a tensor of these dims: the last axis (1 for a scalar). */
    private static int rowWidth(int[] dims) {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /**
     * A Sequential's architecture, one line each: {@code input N}, a {@code layer} line per
     * layer, {@code loss NAME}.
     *
     * @throws IllegalArgumentException if a layer, an activation or the loss is not one the
     *     format describes, or a name is not one word
     */
    static List<String> describe(Sequential s) {
        List<String> out = new ArrayList<>();
        out.add("input " + s.inputWidth());
        for (Layer layer : s.layers()) {
            out.add("layer " + describe(layer));
        }
        Op loss = s.loss();
        Supplier<Op> known = LOSSES.get(loss.name());
        if (known == null || known.get().getClass() != loss.getClass()) {
            throw new IllegalArgumentException("ModelFile.save: the loss " + loss.name() + " (" + loss.getClass().getName()
                    + ") is not one a model file can name; it names " + String.join(", ", LOSSES.keySet())
                    + ". Use one of them, or save the values alone with ModelFile.saveParameters(model, path) and load"
                    + " them into the model built in code with ModelFile.load(model, path)");
        }
        out.add("loss " + loss.name());
        return out;
    }

    private static String describe(Layer layer) {
        String name = word(layer.name());
        // Exact classes: a subclass could compute something else under the same name.
        if (layer instanceof Dense d) {
            return "dense " + name + " " + d.units();
        }
        if (layer instanceof DropoutLayer d) {
            return "dropout " + name + " " + d.keep();
        }
        if (layer instanceof Activation a) {
            Op op = a.op();
            if (op.getClass() == ReLU.class) {
                return "relu " + name;
            }
            if (op.getClass() == LeakyReLU.class) {
                return "leakyRelu " + name + " " + ((LeakyReLU) op).slope();
            }
            if (op.getClass() == Sigmoid.class) {
                return "sigmoid " + name;
            }
            if (op.getClass() == Tanh.class) {
                return "tanh " + name;
            }
            throw new IllegalArgumentException("ModelFile.save: layer '" + layer.name() + "' applies " + op.name() + " ("
                    + op.getClass().getName() + "), a custom activation; a model file describes the relu, leakyRelu,"
                    + " sigmoid and tanh activations only. Use one of them, or save the values alone with"
                    + " ModelFile.saveParameters(model, path) and load them into the model built in code with"
                    + " ModelFile.load(model, path)");
        }
        throw new IllegalArgumentException("ModelFile.save: layer '" + layer.name() + "' (" + layer.describe() + ") is a "
                + layer.getClass().getName() + ", which a model file cannot describe; it describes Dense, DropoutLayer"
                + " and the relu, leakyRelu, sigmoid and tanh activations. Save the values alone with"
                + " ModelFile.saveParameters(model, path) and load them into the model built in code with"
                + " ModelFile.load(model, path)");
    }

    /** A GraphModel's data declaration: an {@code input} line per input, then {@code labels}. */
    static List<String> declare(GraphModel g) {
        List<String> out = new ArrayList<>();
        for (String name : g.dataNames()) {
            if (!name.equals(g.labelsName())) {
                out.add("input " + word(name) + sampleDims(g, name));
            }
        }
        out.add("labels " + word(g.labelsName()) + sampleDims(g, g.labelsName()));
        return out;
    }

    /** The dims of one sample of a data input, each after a space: the batch dims without the sample axis. */
    private static String sampleDims(GraphModel g, String name) {
        int[] dims = g.batchDims(name, 1);
        int axis = g.sampleAxis(name);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i != axis) {
                sb.append(' ').append(dims[i]);
            }
        }
        return sb.toString();
    }

    /** A name written as one token: refused if it is empty or holds a space. */
    private static String word(String name) {
        if (name.isEmpty() || !name.equals(name.replaceAll("\\s", ""))) {
            throw new IllegalArgumentException("ModelFile.save: the name '" + name + "' holds a space (or is empty);"
                    + " a model file writes names of layers and data as single words: rename it (for example '"
                    + name.strip().replaceAll("\\s+", "_") + "')");
        }
        return name;
    }

    // ------------------------------------------------------------------ loading

    /**
     * Loads a self-describing model: builds the Sequential the file describes, gives it the
     * file's values, and returns it with its scaler, feature names and label name, ready to
     * predict.
     *
     * @param file the file to read
     * @return the model and what goes with it
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is malformed (the message names the line and
     *     expected versus found), or holds no architecture: a GraphModel's file, a file of values
     *     only or a version-1 file (the message says to build the model in code and call
     *     {@link #load(Model, Path)})
     */
    public static SavedModel load(Path file) throws IOException {
        return read(file, null, null).assign();
    }

    /**
     * Loads a file's values into a model built in code; all or nothing. Reads version 1 and
     * version 2. A version-2 file that describes a Sequential must describe this model's
     * architecture (same layers, names, sizes, activations and loss), and one that declares a
     * GraphModel's data must declare this model's.
     *
     * @param model the model whose parameters and buffers receive the values
     * @param file the file to read
     * @return the model with the file's scaler, feature names and label name (none for a
     *     version-1 file)
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file does not fit the model or is malformed; the
     *     model is then unchanged
     */
    public static SavedModel load(Model model, Path file) throws IOException {
        return read(file, model, null).assign();
    }

    /**
     * Loads values into parameters matched by name (a file's parameters and buffers alike); all
     * or nothing. Reads version 1 and version 2; a version-2 file's architecture, scaler and
     * names are read and checked for form, not used.
     *
     * @param parameters the parameters that receive the values, matched by name
     * @param file the file to read
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file does not fit the parameters or is malformed;
     *     no parameter is then changed
     */
    public static void load(List<Parameter> parameters, Path file) throws IOException {
        read(file, null, parameters).assign();
    }

    /** A model's parameters, then its buffers: what a version-1 file held, as parameters. */
    private static List<Parameter> everything(Model model) {
        List<Parameter> all = new ArrayList<>(model.parameters());
        all.addAll(model.buffers());
        return all;
    }

    private static Loaded read(Path file, Model model, List<Parameter> parameters) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not a UTF-8 text file, so not a model file", e);
        }
        return parse(lines, file.toString(), model, parameters);
    }

    /** What a file gave: the values for the tensors that receive them, and the saved model. */
    private record Loaded(Map<Parameter, Tensor> values, SavedModel saved) {
        /** Assigns every value (all were validated before) and returns the saved model. */
        SavedModel assign() {
            for (Map.Entry<Parameter, Tensor> e : values.entrySet()) {
                e.getKey().assign(e.getValue());
            }
            return saved;
        }
    }

    /**
     * Parses and validates a whole file without assigning anything: against {@code model}
     * (load into a model), against {@code parameters} (load into parameters), or, both null,
     * building the model the file describes.
     */
    static Loaded parse(List<String> rawLines, String source, Model model, List<Parameter> parameters) {
        Reader r = new Reader(rawLines, source);
        String first = r.next("the header '" + MAGIC + " " + VERSION + "'");
        if (first.equals(MAGIC_V1 + " 1")) {
            if (model == null && parameters == null) {
                throw r.error("this is a version-1 file ('" + first + "'): it holds parameters only, no architecture."
                        + " Build the model in code and call ModelFile.load(model, path); saving it again"
                        + " (ModelFile.save) writes version " + VERSION + ", which ModelFile.load(path) reads");
            }
            List<Parameter> expected = parameters != null ? parameters : everything(model);
            Map<String, Tensor> byName = parseVersion1(r, expected);
            Map<Parameter, Tensor> values = new LinkedHashMap<>();
            for (Parameter p : expected) {
                values.put(p, byName.get(p.name()));
            }
            return new Loaded(values, model == null ? null : SavedModel.of(model));
        }
        String[] header = first.split("\\s+");
        if (header.length == 2 && header[0].equals(MAGIC)) {
            if (!header[1].equals(String.valueOf(VERSION))) {
                throw r.error("format version " + header[1] + " is not supported; this version reads " + VERSION
                        + " (and version-1 parameter files)");
            }
        } else if (header.length == 2 && header[0].equals(MAGIC_V1)) {
            throw r.error("'" + MAGIC_V1 + " " + header[1] + "' is not a format this version reads: version 1 begins '"
                    + MAGIC_V1 + " 1', version " + VERSION + " '" + MAGIC + " " + VERSION + "'");
        } else {
            throw r.error("expected the header '" + MAGIC + " " + VERSION + "' (or '" + MAGIC_V1 + " 1'), found '"
                    + r.current() + "'; this is not an autodiff-lite model file");
        }
        return new Version2(r, model, parameters).parse();
    }

    /** The parser of a version-2 file: sections in order, each validated as soon as it is read. */
    private static final class Version2 {
        private final Reader r;
        /** The model given (load into a model), the one built from the file (load alone), or null (load into parameters). */
        private Model model;
        private final List<Parameter> parameters;
        private final Map<Parameter, Tensor> values = new LinkedHashMap<>();
        private List<String> features = List.of();
        private String label;
        private Standardizer scaler;

        Version2(Reader r, Model model, List<Parameter> parameters) {
            this.r = r;
            this.model = model;
            this.parameters = parameters;
        }

        Loaded parse() {
            boolean building = model == null && parameters == null;
            int modelLine = -1;
            String kind = null;
            if ("model".equals(r.peekWord())) {
                String[] t = r.tokens("'model Sequential' or 'model GraphModel'");
                modelLine = r.line();
                if (t.length != 2 || !(t[1].equals(SEQUENTIAL) || t[1].equals(GRAPH_MODEL))) {
                    throw r.error("expected 'model " + SEQUENTIAL + "' or 'model " + GRAPH_MODEL + "', found '"
                            + r.current() + "'");
                }
                kind = t[1];
            }
            if (building && !SEQUENTIAL.equals(kind)) {
                if (GRAPH_MODEL.equals(kind)) {
                    throw r.errorAt(modelLine, "the file holds a GraphModel, whose forward function is code, not data:"
                            + " build the model in code (GraphModel.builder()…build()) and call"
                            + " ModelFile.load(model, path) to give it these values");
                }
                if (r.peekWord() == null) {
                    r.next("'model Sequential'"); // nothing after the header: the file is truncated
                }
                throw r.errorAt(r.line() + 1, "the file holds values only (no 'model' section: it was saved with"
                        + " ModelFile.saveParameters or ModelFile.save(parameters, path)), no architecture: build the"
                        + " model in code and call ModelFile.load(model, path)");
            }
            if (SEQUENTIAL.equals(kind)) {
                sequential(modelLine, building);
            } else if (GRAPH_MODEL.equals(kind)) {
                graphModel(modelLine);
            }
            data();
            if (parameters != null) {
                Map<String, Parameter> wanted = byName(parameters);
                tensors("parameter", wanted, Map.of());
                tensors("buffer", wanted, Map.of());
                requireAll(wanted);
            } else {
                Map<String, Parameter> params = byName(model.parameters());
                Map<String, Parameter> buffers = byName(model.buffers());
                tensors("parameter", params, buffers);
                tensors("buffer", buffers, params);
                Map<String, Parameter> all = new LinkedHashMap<>(params);
                all.putAll(buffers);
                requireAll(all);
            }
            return new Loaded(values, model == null ? null : saved());
        }

        private SavedModel saved() {
            SavedModel s = SavedModel.of(model);
            if (!features.isEmpty()) {
                s = s.withFeatureNames(features);
            }
            if (label != null) {
                s = s.withLabelName(label);
            }
            return scaler == null ? s : s.withScaler(scaler);
        }

        /** Reads a Sequential's architecture; builds it, or checks it against the model given. */
        private void sequential(int modelLine, boolean building) {
            List<String> lines = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            String[] in = r.tokens("'input N' (the number of input features)");
            if (in.length != 2 || !in[0].equals("input")) {
                throw r.error("expected 'input N' (the number of input features), found '" + r.current() + "'");
            }
            int width = r.positive(in[1], "the input width");
            lines.add("input " + width);
            at.add(r.line());
            List<Layer> layers = new ArrayList<>();
            Set<String> names = new HashSet<>();
            RandomGenerator seeds = new Well19937c(0);
            int current = width;
            while (!"loss".equals(r.peekWord())) {
                String[] t = r.tokens("'layer <kind> <name> …' or 'loss <name>'");
                if (!t[0].equals("layer")) {
                    throw r.error("expected 'layer <kind> <name> …' or 'loss <name>', found '" + r.current() + "'");
                }
                Layer layer = layer(t, current, seeds);
                if (!names.add(layer.name())) {
                    throw r.error("layer name '" + layer.name() + "' appears twice; layer names must be unique");
                }
                current = layer.outputWidth(current);
                layers.add(layer);
                lines.add("layer " + describe(layer));
                at.add(r.line());
            }
            String[] l = r.tokens("'loss <name>'");
            if (layers.isEmpty()) {
                throw r.error("the model has no layer; a Sequential needs at least one 'layer' line before 'loss'");
            }
            Supplier<Op> loss = l.length == 2 ? LOSSES.get(l[1]) : null;
            if (loss == null) {
                throw r.error("expected 'loss <name>' naming one of " + String.join(", ", LOSSES.keySet()) + ", found '"
                        + r.current() + "'");
            }
            lines.add("loss " + l[1]);
            at.add(r.line());
            if (building) {
                model = Sequential.of(width, loss.get(), layers);
            } else if (model instanceof Sequential s) {
                List<String> mine;
                try {
                    mine = describe(s);
                } catch (IllegalArgumentException e) {
                    throw r.errorAt(modelLine, "the file describes a Sequential of shipped layers, and the model given"
                            + " has one the file cannot hold: " + e.getMessage().replace("ModelFile.save: ", ""));
                }
                compare(lines, at, mine, "Sequential");
            } else if (model != null) {
                throw r.errorAt(modelLine, "the file holds a Sequential, but the model given is a "
                        + model.getClass().getSimpleName() + "; load the file alone with ModelFile.load(path)");
            }
        }

        /** One layer from a {@code layer <kind> <name> [<number>]} line. */
        private Layer layer(String[] t, int width, RandomGenerator seeds) {
            if (t.length < 3) {
                throw r.error("expected 'layer <kind> <name> …', found '" + r.current() + "'");
            }
            String kind = t[1];
            String name = t[2];
            int args = switch (kind) {
                case "dense", "leakyRelu", "dropout" -> 1;
                case "relu", "sigmoid", "tanh" -> 0;
                default -> throw r.error("unknown layer kind '" + kind + "'; a model file knows " + LAYER_KINDS);
            };
            if (t.length != 3 + args) {
                throw r.error("'layer " + kind + "' takes " + (args == 0 ? "a name only" : "a name and "
                        + switch (kind) {
                            case "dense" -> "the number of units";
                            case "leakyRelu" -> "the slope";
                            default -> "the keep probability";
                        }) + " (" + usage(kind) + "), found '" + r.current() + "'");
            }
            try {
                return switch (kind) {
                    case "dense" -> new Dense(name, width, r.positive(t[3], "the units of '" + name + "'"),
                            Initializer.zeros(), seeds);
                    case "leakyRelu" -> new Activation(name, new LeakyReLU(r.number(t[3], "the slope of '" + name + "'")));
                    case "dropout" -> new DropoutLayer(name, r.number(t[3], "the keep probability of '" + name + "'"),
                            new Well19937c(seeds.nextLong()));
                    case "relu" -> new Activation(name, new ReLU());
                    case "sigmoid" -> new Activation(name, new Sigmoid());
                    default -> new Activation(name, new Tanh());
                };
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(r.source)) {
                    throw e; // already names the file and line
                }
                throw r.error(e.getMessage());
            }
        }

        private static String usage(String kind) {
            return switch (kind) {
                case "dense" -> "layer dense <name> <units>";
                case "leakyRelu" -> "layer leakyRelu <name> <slope>";
                case "dropout" -> "layer dropout <name> <keep>";
                default -> "layer " + kind + " <name>";
            };
        }

        /** Reads a GraphModel's data declaration and checks it against the model given. */
        private void graphModel(int modelLine) {
            List<String> lines = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            while (!"labels".equals(r.peekWord())) {
                String[] t = r.tokens("'input <name> <dims…>' or 'labels <name> <dims…>'");
                if (!t[0].equals("input") || t.length < 3) {
                    throw r.error("expected 'input <name> <dims…>' or 'labels <name> <dims…>', found '" + r.current() + "'");
                }
                lines.add(declaration(t));
                at.add(r.line());
            }
            String[] t = r.tokens("'labels <name> <dims…>'");
            if (t.length < 3) {
                throw r.error("expected 'labels <name> <dims…>', found '" + r.current() + "'");
            }
            if (lines.isEmpty()) {
                throw r.error("the GraphModel declares no input; an 'input <name> <dims…>' line comes before 'labels'");
            }
            lines.add(declaration(t));
            at.add(r.line());
            if (model instanceof GraphModel g) {
                compare(lines, at, declare(g), "GraphModel");
            } else if (model != null) {
                throw r.errorAt(modelLine, "the file holds a GraphModel's values, but the model given is a "
                        + model.getClass().getSimpleName() + "; build the GraphModel in code and load into it");
            }
        }

        private String declaration(String[] t) {
            StringBuilder sb = new StringBuilder(t[0]).append(' ').append(t[1]);
            for (int i = 2; i < t.length; i++) {
                sb.append(' ').append(r.positive(t[i], "a dim of '" + t[1] + "'"));
            }
            return sb.toString();
        }

        /** The file's architecture lines against the model's, in order; the first difference is an error. */
        private void compare(List<String> file, List<Integer> at, List<String> mine, String kind) {
            // Both lists end with their 'loss' (or 'labels') line, so a layer more or less on
            // either side shows as a difference at the first index where they part.
            for (int i = 0; i < file.size(); i++) {
                String m = i < mine.size() ? mine.get(i) : "nothing more";
                if (!file.get(i).equals(m)) {
                    throw r.errorAt(at.get(i), "the file's " + kind + " has '" + file.get(i) + "' where the model given has '"
                            + m + "'; the file was saved from another model (the model given is: "
                            + String.join("; ", mine) + ")");
                }
            }
        }

        /** The optional {@code features}, {@code label} and {@code standardizer} sections. */
        private void data() {
            int width = model == null ? -1 : SavedModel.featureWidth(model);
            if ("features".equals(r.peekWord())) {
                String[] t = r.tokens("'features N'");
                if (t.length != 2) {
                    throw r.error("expected 'features N' (the number of feature columns), found '" + r.current() + "'");
                }
                int n = r.positive(t[1], "the number of features");
                requireWidth(width, n, "feature names");
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String line = r.next("'feature <name>' (" + (i + 1) + " of " + n + ")");
                    if (!line.startsWith("feature ") || line.length() == "feature ".length()) {
                        throw r.error("expected 'feature <name>' (" + (i + 1) + " of " + n + "), found '" + r.current() + "'");
                    }
                    // The name is the rest of the line: a column name may hold spaces and commas.
                    String name = line.substring("feature ".length());
                    if (!name.equals(name.strip())) {
                        throw r.error("feature name '" + name + "' begins or ends with a space; write one space after"
                                + " 'feature', then the name");
                    }
                    if (names.contains(name)) {
                        throw r.error("feature '" + name + "' appears twice");
                    }
                    names.add(name);
                }
                features = names;
            }
            if ("label".equals(r.peekWord())) {
                String line = r.next("'label <name>'");
                if (!line.startsWith("label ") || line.length() == "label ".length()) {
                    throw r.error("expected 'label <name>', found '" + r.current() + "'");
                }
                label = line.substring("label ".length());
                if (!label.equals(label.strip())) {
                    throw r.error("label name '" + label + "' begins with a space; write one space after 'label', then"
                            + " the name");
                }
                if (features.contains(label)) {
                    throw r.error("the label '" + label + "' is also a feature; a model must not see the answer");
                }
            }
            if ("standardizer".equals(r.peekWord())) {
                String[] t = r.tokens("'standardizer'");
                if (t.length != 1) {
                    throw r.error("expected 'standardizer' alone on its line, found '" + r.current() + "'");
                }
                double[] mean = row("mean", width, "finite");
                double[] std = row("std", mean.length, "finite and ≥ 0");
                scaler = Standardizer.of(mean, std);
            }
        }

        private void requireWidth(int width, int n, String what) {
            if (model == null) {
                return; // loading into parameters: nothing to check the count against
            }
            if (width < 0) {
                throw r.error("the file has " + what + ", but the model given (" + model.getClass().getSimpleName()
                        + ") has no single input of features × batch to apply them to");
            }
            if (n != width) {
                throw r.error(n + " " + what + " for a model of " + width + " input features; expected " + width);
            }
        }

        /** A {@code mean …} or {@code std …} line of the standardizer. */
        private double[] row(String key, int count, String rule) {
            String[] t = r.tokens("'" + key + " <one value per feature>'");
            if (!t[0].equals(key)) {
                throw r.error("expected '" + key + " <one value per feature>', found '" + r.current() + "'");
            }
            int n = t.length - 1;
            if (count >= 0 && n != count) {
                throw r.error("the standardizer's " + key + " line has " + n + " values, expected " + count
                        + " (one per input feature)");
            }
            if (n == 0) {
                throw r.error("the standardizer's " + key + " line has no values; it needs one per input feature");
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.number(t[i + 1], "the " + key + " of feature " + i);
                if (key.equals("std") && v[i] < 0) {
                    throw r.error("the std of feature " + i + " is " + t[i + 1] + "; a standard deviation must be " + rule);
                }
            }
            return v;
        }

        /**
         * {@code parameters N} or {@code buffers N} and its tensors, each checked against
         * {@code wanted} (name and shape) before its values are read.
         */
        private void tensors(String kind, Map<String, Parameter> wanted, Map<String, Parameter> otherKind) {
            String[] t = r.tokens("'" + kind + "s N'");
            if (t.length != 2 || !t[0].equals(kind + "s")) {
                throw r.error("expected '" + kind + "s N', found '" + r.current() + "'" + (kind.equals("parameter")
                        ? " (the sections come in this order: model, features, label, standardizer, parameters,"
                                + " buffers, end)" : ""));
            }
            int count = r.count(t[1], "the number of " + kind + "s");
            for (int k = 0; k < count; k++) {
                String expected = "'" + kind + " <name> <dims…>' (" + (k + 1) + " of " + count + ")";
                String[] h = r.tokens(expected);
                if (h.length < 2 || !h[0].equals(kind)) {
                    throw r.error("expected " + expected + ", found '" + r.current() + "'");
                }
                String name = h[1];
                Parameter p = wanted.get(name);
                if (p == null) {
                    throw r.error(kind + " '" + name + "' is not in the model; "
                            + (otherKind.containsKey(name) ? "the model has it as a " + (kind.equals("parameter") ? "buffer"
                                    : "parameter") + ", not a " + kind : "the model has " + wanted.keySet()));
                }
                if (values.containsKey(p)) {
                    throw r.error(kind + " '" + name + "' appears twice");
                }
                int[] dims = new int[h.length - 2];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = r.count(h[i + 2], "dim " + i + " of '" + name + "'");
                }
                Tensor exp = p.value();
                if (!java.util.Arrays.equals(dims, exp.dims())) {
                    throw r.error(kind + " '" + name + "': expected shape " + exp.shape() + " (the model's), found "
                            + Tensor.shape(dims) + " in the file");
                }
                values.put(p, Tensor.wrap(dims, r.values(name, dims, exp.size())));
            }
        }

        private void requireAll(Map<String, Parameter> wanted) {
            String end = r.next("'end'");
            if (!end.equals("end")) {
                throw r.error("expected 'end', found '" + end + "'");
            }
            if (r.hasMore()) {
                throw r.error("unexpected content after 'end'");
            }
            List<String> missing = new ArrayList<>();
            for (Parameter p : wanted.values()) {
                if (!values.containsKey(p)) {
                    missing.add(p.name());
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(r.source + ": the file has no values for " + missing
                        + "; it was saved from a different model");
            }
        }

        private static Map<String, Parameter> byName(List<Parameter> list) {
            Map<String, Parameter> m = new LinkedHashMap<>();
            for (Parameter p : list) {
                m.put(p.name(), p);
            }
            return m;
        }
    }

    /**
     * Parses and validates a version-1 file (the header already read) against the expected
     * parameters, without assigning.
     *
     * @return a value for every expected parameter, by name
     */
    private static Map<String, Tensor> parseVersion1(Reader r, List<Parameter> expected) {
        Map<String, Parameter> wanted = new LinkedHashMap<>();
        for (Parameter p : expected) {
            wanted.put(p.name(), p);
        }
        String[] countLine = r.next("'count N'").split(" ", -1);
        if (countLine.length != 2 || !countLine[0].equals("count")) {
            throw r.error("expected 'count N', found '" + r.current() + "'");
        }
        int count = r.count(countLine[1], "parameter count");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            String[] h = r.next("'parameter <name> <rows> <cols>' (" + (k + 1) + " of " + count + ")").split(" ", -1);
            if (h.length != 4 || !h[0].equals("parameter")) {
                throw r.error("expected 'parameter <name> <rows> <cols>' (" + (k + 1) + " of " + count
                        + "), found '" + r.current() + "'");
            }
            String name = h[1];
            Parameter p = wanted.get(name);
            if (p == null) {
                throw r.error("parameter '" + name + "' is not in the model; the model has " + wanted.keySet());
            }
            if (out.containsKey(name)) {
                throw r.error("parameter '" + name + "' appears twice");
            }
            int rows = r.count(h[2], "rows of '" + name + "'");
            int cols = r.count(h[3], "columns of '" + name + "'");
            Tensor exp = p.value();
            if (exp.rank() != 2 || rows != exp.rows() || cols != exp.cols()) {
                throw r.error("parameter '" + name + "': expected shape " + exp.shape() + " (the model's), found "
                        + Tensor.shape(rows, cols) + " in the file");
            }
            double[] data = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                String[] tokens = r.next("row " + i + " of '" + name + "' (" + rows + " rows)").split(" ", -1);
                if (tokens.length != cols) {
                    throw r.error("row " + i + " of '" + name + "' has " + tokens.length + " values, expected "
                            + cols + " (single spaces between values)");
                }
                for (int j = 0; j < cols; j++) {
                    data[i * cols + j] = r.value(tokens[j], name, "[" + i + "][" + j + "]");
                }
            }
            out.put(name, Tensor.wrap(rows, cols, data));
        }
        String end = r.next("'end'");
        if (!end.equals("end")) {
            throw r.error("expected 'end' after " + count + " parameters, found '" + end + "'");
        }
        if (r.hasMore()) {
            throw r.error("unexpected content after 'end'");
        }
        List<String> missing = new ArrayList<>();
        for (String n : wanted.keySet()) {
            if (!out.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(r.source + ": the file has no values for " + missing
                    + "; it was saved from a different model");
        }
        return out;
    }

    /** Walks the meaningful lines, remembering line numbers for messages. */
    private static final class Reader {
        private final List<String> lines;
        private final String source;
        private int index = -1;

        Reader(List<String> lines, String source) {
            this.lines = lines;
            this.source = source;
        }

        /** The next meaningful line, stripped; an error naming {@code expected} at the end of the file. */
        String next(String expected) {
            index++;
            while (index < lines.size() && skip(lines.get(index))) {
                index++;
            }
            if (index >= lines.size()) {
                throw new IllegalArgumentException(source + ": line " + (lines.size() + 1) + ": the file ends where "
                        + expected + " was expected; it is truncated");
            }
            return lines.get(index).strip();
        }

        /** The next meaningful line split into tokens at runs of spaces. */
        String[] tokens(String expected) {
            return next(expected).split("\\s+");
        }

        /** The first word of the next meaningful line, without consuming it; null at the end. */
        String peekWord() {
            for (int i = index + 1; i < lines.size(); i++) {
                if (!skip(lines.get(i))) {
                    return lines.get(i).strip().split("\\s+", 2)[0];
                }
            }
            return null;
        }

        boolean hasMore() {
            for (int i = index + 1; i < lines.size(); i++) {
                if (!skip(lines.get(i))) {
                    index = i;
                    return true;
                }
            }
            return false;
        }

        /** @return the 1-based number of the line last read */
        int line() {
            return index + 1;
        }

        String current() {
            return lines.get(index);
        }

        IllegalArgumentException error(String message) {
            return errorAt(index + 1, message);
        }

        IllegalArgumentException errorAt(int line, String message) {
            return new IllegalArgumentException(source + ": line " + line + ": " + message);
        }

        int count(String token, String what) {
            try {
                int n = Integer.parseInt(token);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below, with the line number
            }
            throw error(what + " must be a whole number ≥ 0, found '" + token + "'");
        }

        int positive(String token, String what) {
            int n = count(token, what);
            if (n == 0) {
                throw error(what + " must be at least 1, found 0");
            }
            return n;
        }

        double number(String token, String what) {
            double v;
            try {
                v = Double.parseDouble(token);
            } catch (NumberFormatException e) {
                throw error(what + " is '" + token + "', not a number");
            }
            if (!Double.isFinite(v)) {
                throw error(what + " is " + token + "; it must be finite");
            }
            return v;
        }

        double value(String token, String name, String position) {
            double v;
            try {
                v = Double.parseDouble(token);
            } catch (NumberFormatException e) {
                throw error("value " + position + " of '" + name + "' is '" + token + "', not a number");
            }
            if (!Double.isFinite(v)) {
                throw error("value " + position + " of '" + name + "' is " + token + "; parameters must be finite");
            }
            return v;
        }

        /**
         * The values of a tensor of these dims ({@code size} entries): one line per row of the
         * last axis, none for an empty tensor.
         */
        double[] values(String name, int[] dims, int size) {
            double[] data = new double[size];
            int width = rowWidth(dims);
            int rows = size == 0 ? 0 : size / width;
            for (int row = 0; row < rows; row++) {
                String what = rows == 1 ? "the values of '" + name + "'" : "row " + rowIndex(dims, row) + " of '" + name + "'";
                String[] tokens = next(what + " (" + rows + " line" + (rows == 1 ? "" : "s") + " of " + width
                        + " value" + (width == 1 ? "" : "s") + ")").split("\\s+");
                if (tokens.length != width) {
                    throw error(what + " has " + tokens.length + " values, expected " + width
                            + " (the last dim of " + Tensor.shape(dims) + ")");
                }
                for (int j = 0; j < width; j++) {
                    int flat = row * width + j;
                    data[flat] = value(tokens[j], name, position(dims, flat));
                }
            }
            return data;
        }

        /** The index of a row over the leading axes: {@code 3} for a matrix, {@code [0][2]} for rank 3. */
        private static String rowIndex(int[] dims, int row) {
            if (dims.length == 2) {
                return String.valueOf(row);
            }
            return position(java.util.Arrays.copyOf(dims, dims.length - 1), row);
        }

        /** The multi-index of a flat row-major position: {@code [1][0][2]}; {@code []} for a scalar. */
        private static String position(int[] dims, int flat) {
            StringBuilder sb = new StringBuilder();
            int rest = flat;
            String[] parts = new String[dims.length];
            for (int a = dims.length - 1; a >= 0; a--) {
                parts[a] = "[" + rest % dims[a] + "]";
                rest /= dims[a];
            }
            for (String p : parts) {
                sb.append(p);
            }
            return sb.length() == 0 ? "[]" : sb.toString();
        }

        private static boolean skip(String line) {
            String s = line.strip();
            return s.isEmpty() || s.startsWith("#");
        }
    }
}
