package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.io.SavedModel;
import org.autodifflite.layers.model.Activation;
import org.autodifflite.layers.model.DropoutLayer;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Model;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files: self-describing version-2 files that load without code, exact round trips
 * (N-D parameters, buffers, scalers), version-1 files still read, clear errors, all-or-nothing
 * loads and atomic saves.
 */
class ModelFileTest {

    @TempDir
    Path dir;

    private static Sequential net(long seed) {
        return Sequential.builder(4).seed(seed)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1).sigmoid()
                .loss(new BinaryCrossEntropy()).build();
    }

    /**
     * Every tensor's name, shape and values as raw bits: equal lists mean bit-for-bit equal
     * values (−0.0 and 0.0 differ).
     */
    private static List<String> bits(List<Parameter> tensors) {
        List<String> out = new ArrayList<>();
        for (Parameter p : tensors) {
            double[] d = p.value().data();
            long[] b = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                b[i] = Double.doubleToRawLongBits(d[i]);
            }
            out.add(p.name() + " " + p.value().shape() + " " + Arrays.toString(b));
        }
        return out;
    }

    private static void assertSameBits(List<Parameter> actual, List<Parameter> expected) {
        assertThat(bits(actual)).isEqualTo(bits(expected));
    }

    private static void assertSameBits(Tensor actual, Tensor expected) {
        assertThat(actual.dims()).isEqualTo(expected.dims());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Double.doubleToRawLongBits(actual.data()[i])).as("entry %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(expected.data()[i]));
        }
    }

    private Path write(String text) throws IOException {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    /** The 1-based number of the first line of {@code text} that starts with {@code prefix}. */
    private static int lineOf(String text, String prefix) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("no line starts with " + prefix);
    }

    // ------------------------------------------------------------------ version 2: round trips

    @Test
    void aSequentialRoundTripsBitExactAndLoadsWithoutCode() throws IOException {
        Sequential a = net(1);
        // Awkward values: subnormal, huge, negative zero, many digits.
        a.parameter("fc3.bias").value().set(0, 0, Double.MIN_VALUE);
        a.parameter("fc2.bias").value().set(0, 0, -0.0);
        a.parameter("fc2.bias").value().set(1, 0, 1.0e308);
        a.parameter("fc2.bias").value().set(2, 0, 0.1 + 0.2);
        Path f = dir.resolve("model.txt");
        ModelFile.save(a, f);

        SavedModel loaded = ModelFile.load(f);
        Sequential b = (Sequential) loaded.model();
        assertThat(b.toString()).isEqualTo(a.toString());
        assertSameBits(b.parameters(), a.parameters());
        Tensor x = Tensor.randn(4, 7, 3);
        assertSameBits(b.predict(x), a.predict(x));
        assertThat(loaded.featureNames()).isEmpty();
        assertThat(loaded.scaler()).isEmpty();
        assertThat(loaded.labelName()).isEmpty();

        String text = Files.readString(f);
        assertThat(text).startsWith("autodiff-lite-model 2\nmodel Sequential\ninput 4\nlayer dense fc1 5\nlayer relu relu1\n")
                .contains("layer sigmoid sigmoid1\nloss BinaryCrossEntropy\nparameters 6\nparameter fc1.weight 5 4\n")
                .contains("parameter fc2.bias 3 1\n-0.0\n1.0E308\n0.30000000000000004\n")
                .contains("parameter fc3.bias 1 1\n4.9E-324\n")
                .endsWith("buffers 0\nend\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r--r--");
        // Only the target is left: the temporary file was renamed over it.
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
        // A model built in code loads the same file too.
        Sequential c = net(2);
        SavedModel intoC = ModelFile.load(c, f);
        assertThat(intoC.model()).isSameAs(c);
        assertSameBits(c.parameters(), a.parameters());
    }

    /** The exact text of a small model, and docs/model-format.md shows this very text. */
    @Test
    void theSavedFileIsTheOneTheModelFormatDocumentShows() throws IOException {
        Sequential m = Sequential.builder(2).seed(1).dense("fc1", 2).relu().dropout(0.5).dense("fc2", 1)
                .loss(new SigmoidBinaryCrossEntropy()).build();
        m.setParameter("fc1.weight", Tensor.of(new double[][] {{1.5, -2}, {0.25, 3}}));
        m.setParameter("fc1.bias", Tensor.column(0, -1));
        m.setParameter("fc2.weight", Tensor.row(0.5, -0.5));
        m.setParameter("fc2.bias", Tensor.column(0.1));
        SavedModel saved = SavedModel.of(m).withScaler(Standardizer.of(new double[] {12.5, 3.25}, new double[] {3, 0}))
                .withFeatureNames(List.of("amount", "hour of day")).withLabelName("fraud");
        Path f = dir.resolve("tiny.txt");
        ModelFile.save(saved, f);
        String expected = """
                autodiff-lite-model 2
                model Sequential
                input 2
                layer dense fc1 2
                layer relu relu1
                layer dropout dropout1 0.5
                layer dense fc2 1
                loss SigmoidBinaryCrossEntropy
                features 2
                feature amount
                feature hour of day
                label fraud
                standardizer
                mean 12.5 3.25
                std 3.0 0.0
                parameters 4
                parameter fc1.weight 2 2
                1.5 -2.0
                0.25 3.0
                parameter fc1.bias 2 1
                0.0
                -1.0
                parameter fc2.weight 1 2
                0.5 -0.5
                parameter fc2.bias 1 1
                0.1
                buffers 0
                end
                """;
        assertThat(Files.readString(f)).isEqualTo(expected);
        assertThat(Files.readString(Path.of("..", "docs", "model-format.md"), StandardCharsets.UTF_8))
                .as("docs/model-format.md shows the file this test writes").contains("```\n" + expected + "```\n");

        SavedModel back = ModelFile.load(f);
        assertThat(back.featureNames()).containsExactly("amount", "hour of day");
        assertThat(back.labelName()).contains("fraud");
        assertThat(back.scaler().orElseThrow().means()).containsExactly(12.5, 3.25);
        assertThat(back.scaler().orElseThrow().stds()).containsExactly(3.0, 0.0);
        Tensor raw = Tensor.of(new double[][] {{10, 20}, {1, 5}});
        assertSameBits(back.predictProbabilities(raw), saved.predictProbabilities(raw));
        // The probabilities are the sigmoid of the logits, of the standardized input.
        assertSameBits(back.predictProbabilities(raw), new Sigmoid().forward(m.predict(saved.scaler().orElseThrow()
                .transform(raw))));
    }

    @Test
    void everyLayerKindAndEveryLossComesBackAsItWas() throws IOException {
        List<Op> losses = List.of(new BinaryCrossEntropy(), new SigmoidBinaryCrossEntropy(), new MeanSquaredError(),
                new SoftmaxCrossEntropy());
        for (Op loss : losses) {
            Sequential a = Sequential.builder(3).seed(5)
                    .dense("in", 6).leakyRelu(0.03125).dropout(0.75)
                    .dense("mid", 4).tanh()
                    .dense("hidden.deep", 3).relu().dropout(1.0)
                    .dense("out", 2).sigmoid()
                    .loss(loss).build();
            Path f = dir.resolve(loss.name() + ".txt");
            ModelFile.save(a, f);
            Sequential b = (Sequential) ModelFile.load(f).model();
            assertThat(b.toString()).isEqualTo(a.toString());
            assertThat(b.loss().getClass()).isEqualTo(loss.getClass());
            assertThat(b.layers()).hasSize(a.layers().size());
            assertThat(((DropoutLayer) b.layers().get(2)).keep()).isEqualTo(0.75);
            assertThat(((org.autodifflite.core.ops.LeakyReLU) ((Activation) b.layers().get(1)).op()).slope())
                    .isEqualTo(0.03125);
            assertSameBits(b.parameters(), a.parameters());
            Tensor x = Tensor.randn(3, 9, 11);
            assertSameBits(b.predict(x), a.predict(x));
            assertThat(Files.readString(f)).contains("layer leakyRelu leakyrelu1 0.03125\nlayer dropout dropout1 0.75\n",
                    "layer tanh tanh1\n", "layer dense hidden.deep 3\n", "loss " + loss.name() + "\n");
        }
    }

    @Test
    void aLoadedModelWithDropoutTrainsOnAndTwoLoadsTrainAlike() throws IOException {
        Sequential a = Sequential.builder(3).seed(2).dense("fc1", 8).relu().dropout(0.5).dense("fc2", 1)
                .loss(new SigmoidBinaryCrossEntropy()).build();
        Path f = dir.resolve("drop.txt");
        ModelFile.save(a, f);
        Tensor x = Tensor.randn(3, 40, 1);
        Tensor y = Tensor.zeros(1, 40);
        for (int j = 0; j < 40; j += 3) {
            y.set(0, j, 1);
        }
        Sequential b = (Sequential) ModelFile.load(f).model();
        Sequential c = (Sequential) ModelFile.load(f).model();
        // A training graph of a loaded model draws a dropout mask: about half the units are dropped.
        ModelGraph mg = ((Sequential) ModelFile.load(f).model()).graph(x, y, true);
        Tensor mask = mg.graph().node("dropout1.mask").value();
        long zeros = Arrays.stream(mask.data()).filter(v -> v == 0).count();
        assertThat(zeros).isBetween(100L, 220L);
        List<Double> lb = Trainer.of(b, new Adam(0.01)).epochs(3).batchSize(8).seed(1).fit(x, y);
        List<Double> lc = Trainer.of(c, new Adam(0.01)).epochs(3).batchSize(8).seed(1).fit(x, y);
        assertThat(lb).isEqualTo(lc);
        assertSameBits(b.parameters(), c.parameters());
    }

    /** A GraphModel with N-dimensional parameters and buffers of rank 0 and 2. */
    private static GraphModel graphModel(long seed, int width) {
        return GraphModel.builder().seed(seed)
                .input("x", width).labels("y", 1)
                .forward(m -> {
                    Tensor count = m.buffer("stats.count", Tensor.scalar(0));
                    Tensor running = m.buffer("stats.mean", Tensor.zeros(width, 1));
                    if (m.training()) {
                        m.update("stats.count", count.add(Tensor.scalar(1)));
                        m.update("stats.mean", running.scale(0.5).add(m.input("x").value().mean(new int[] {1}, true)
                                .scale(0.5)));
                    }
                    Node kernel = m.parameter("conv.kernel", Initializer.normal(0.1), 2, 3, 4);
                    Node offsets = m.parameter("offsets", Initializer.normal(0.5), 3);
                    Node h = m.dense("fc", m.input("x"), 1);
                    return h.add(kernel.mean()).add(offsets.sum()).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
    }

    @Test
    void aGraphModelsValuesRoundTripIntoTheModelBuiltInCodeAndLoadAloneIsRefused() throws IOException {
        GraphModel a = graphModel(1, 2);
        Tensor x = Tensor.of(new double[][] {{1, 3, -2, 0.5}, {10, 30, 4, -1}});
        Tensor y = Tensor.row(0, 1, 1, 0);
        Trainer.of(a, new Adam(0.05)).epochs(2).batchSize(2).seed(3).fit(x, y);
        assertThat(a.buffers().get(0).value().item()).isEqualTo(4.0);   // four committed steps
        Path f = dir.resolve("graph.txt");
        ModelFile.save(a, f);
        String text = Files.readString(f);
        assertThat(text).contains("model GraphModel\ninput x 2\nlabels y 1\n",
                "parameter conv.kernel 2 3 4\n", "parameter offsets 3\n", "buffers 2\nbuffer stats.count\n4.0\n",
                "buffer stats.mean 2 1\n", "# A GraphModel's forward function is code, not data");
        // rank 3: one line per row of the last axis, 2·3 lines of 4 values
        int k = lineOf(text, "parameter conv.kernel");
        String[] lines = text.split("\n");
        for (int i = 0; i < 6; i++) {
            assertThat(lines[k + i].split(" ")).hasSize(4);
        }
        assertThat(lines[k + 6]).startsWith("parameter offsets 3");
        assertThat(lines[k + 7].split(" ")).hasSize(3);

        assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": line " + lineOf(text, "model GraphModel") + ": the file holds a GraphModel, whose"
                        + " forward function is code, not data: build the model in code (GraphModel.builder()…build())"
                        + " and call ModelFile.load(model, path) to give it these values");

        GraphModel fresh = graphModel(9, 2);
        ModelFile.load(fresh, f);
        assertSameBits(fresh.parameters(), a.parameters());
        assertSameBits(fresh.buffers(), a.buffers());
        assertSameBits(fresh.predict(x), a.predict(x));
    }

    @Test
    void aGraphModelFileRefusesAModelOfAnotherDeclarationAndAnotherKind() throws IOException {
        Path f = dir.resolve("graph.txt");
        ModelFile.save(graphModel(1, 2), f);
        String text = Files.readString(f);
        GraphModel wider = graphModel(2, 3);
        List<String> before = bits(wider.parameters());
        assertThatThrownBy(() -> ModelFile.load(wider, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": line " + lineOf(text, "input x 2") + ": the file's GraphModel has 'input x 2' where the"
                        + " model given has 'input x 3'; the file was saved from another model (the model given is:"
                        + " input x 3; labels y 1)");
        assertThat(bits(wider.parameters())).isEqualTo(before);
        assertThatThrownBy(() -> ModelFile.load(net(1), f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line " + lineOf(text, "model GraphModel") + ": the file holds a GraphModel's values,"
                        + " but the model given is a Sequential");
        Path seq = dir.resolve("seq.txt");
        ModelFile.save(net(1), seq);
        assertThatThrownBy(() -> ModelFile.load(graphModel(1, 4), seq)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2: the file holds a Sequential, but the model given is a GraphModel;"
                        + " load the file alone with ModelFile.load(path)");
    }

    @Test
    void aSequentialFileRefusesAModelBuiltInCodeWithAnotherArchitecture() throws IOException {
        Path f = dir.resolve("m.txt");
        ModelFile.save(net(1), f);
        String text = Files.readString(f);
        Sequential tanh = Sequential.builder(4).seed(1).dense("fc1", 5).tanh().dense("fc2", 3).relu()
                .dense("fc3", 1).sigmoid().loss(new BinaryCrossEntropy()).build();
        List<String> before = bits(tanh.parameters());
        assertThatThrownBy(() -> ModelFile.load(tanh, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": line " + lineOf(text, "layer relu relu1") + ": the file's Sequential has"
                        + " 'layer relu relu1' where the model given has 'layer tanh tanh1'; the file was saved from"
                        + " another model (the model given is: input 4; layer dense fc1 5; layer tanh tanh1;");
        assertThat(bits(tanh.parameters())).isEqualTo(before);
        Sequential otherLoss = Sequential.builder(4).seed(1).dense("fc1", 5).relu().dense("fc2", 3).relu()
                .dense("fc3", 1).sigmoid().loss(new MeanSquaredError()).build();
        assertThatThrownBy(() -> ModelFile.load(otherLoss, f)).hasMessageContaining("line " + lineOf(text, "loss")
                + ": the file's Sequential has 'loss BinaryCrossEntropy' where the model given has 'loss MeanSquaredError'");
        Sequential shorter = Sequential.builder(4).seed(1).dense("fc1", 5).relu().dense("fc2", 3).relu()
                .dense("fc3", 1).loss(new BinaryCrossEntropy()).build();
        assertThatThrownBy(() -> ModelFile.load(shorter, f)).hasMessageContaining("line "
                + lineOf(text, "layer sigmoid") + ": the file's Sequential has 'layer sigmoid sigmoid1' where the model"
                + " given has 'loss BinaryCrossEntropy'");
    }

    // ------------------------------------------------------------------ what a file cannot hold

    @Test
    void aCustomActivationIsRefusedOnSaveNamingItAndItsValuesSaveAlone() throws IOException {
        Sequential custom = Sequential.builder(3).seed(1).dense("fc1", 4).activation("swish", new BadInputTest.Swish())
                .dense("fc2", 1).loss(new SigmoidBinaryCrossEntropy()).build();
        Path f = dir.resolve("keep.txt");
        Files.writeString(f, "the previous file\n");
        assertThatThrownBy(() -> ModelFile.save(custom, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ModelFile.save: layer 'swish1' applies Swish (" + BadInputTest.Swish.class.getName() + "), a custom"
                        + " activation; a model file describes the relu, leakyRelu, sigmoid and tanh activations only."
                        + " Use one of them, or save the values alone with ModelFile.saveParameters(model, path) and load"
                        + " them into the model built in code with ModelFile.load(model, path)");
        assertThat(Files.readString(f)).isEqualTo("the previous file\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }

        ModelFile.saveParameters(custom, f);
        assertThat(Files.readString(f)).startsWith("autodiff-lite-model 2\nparameters 4\nparameter fc1.weight 4 3\n");
        assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": line 2: the file holds values only (no 'model' section: it was saved with"
                        + " ModelFile.saveParameters or ModelFile.save(parameters, path)), no architecture: build the"
                        + " model in code and call ModelFile.load(model, path)");
        Sequential again = Sequential.builder(3).seed(7).dense("fc1", 4).activation("swish", new BadInputTest.Swish())
                .dense("fc2", 1).loss(new SigmoidBinaryCrossEntropy()).build();
        ModelFile.load(again, f);
        assertSameBits(again.parameters(), custom.parameters());
    }

    @Test
    void aCustomLossACustomLayerAndANameWithASpaceAreRefusedOnSave() {
        Op myLoss = new Op() {
            @Override
            public String name() {
                return "MyLoss";
            }

            @Override
            public int arity() {
                return 2;
            }

            @Override
            public Tensor forward(Tensor... in) {
                return new MeanSquaredError().forward(in);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return new MeanSquaredError().backward(in, out, g);
            }
        };
        Sequential withLoss = Sequential.builder(2).dense("fc", 1).loss(myLoss).build();
        assertThatThrownBy(() -> ModelFile.save(withLoss, dir.resolve("a.txt"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ModelFile.save: the loss MyLoss (")
                .hasMessageContaining("is not one a model file can name; it names BinaryCrossEntropy,"
                        + " SigmoidBinaryCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy. Use one of them, or save the"
                        + " values alone with ModelFile.saveParameters(model, path)");
        Sequential withLayer = Sequential.builder(2).dense("fc", 2).add(new OverrideOpLayer(new org.autodifflite.layers.model.Dense("custom", 2, 2,
                        Initializer.zeros(), new org.apache.commons.math3.random.Well19937c(1)), new org.autodifflite.layers.ops.Linear()))
                .loss(new BinaryCrossEntropy()).build();
        assertThatThrownBy(() -> ModelFile.save(withLayer, dir.resolve("b.txt"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("ModelFile.save: layer 'custom' (", "is a " + OverrideOpLayer.class.getName()
                        + ", which a model file cannot describe");
        Sequential spaced = Sequential.builder(2).dense("fc", 2).add(new Activation("my relu", new org.autodifflite.core
                .ops.ReLU())).loss(new MeanSquaredError()).build();
        assertThatThrownBy(() -> ModelFile.save(spaced, dir.resolve("c.txt"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ModelFile.save: the name 'my relu' holds a space (or is empty); a model file writes names of"
                        + " layers and data as single words: rename it (for example 'my_relu')");
        assertThat(dir.resolve("a.txt")).doesNotExist();
        assertThat(dir.resolve("b.txt")).doesNotExist();
        assertThat(dir.resolve("c.txt")).doesNotExist();
    }

    @Test
    void aRefusedSaveLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("keep.txt");
        Sequential a = net(1);
        ModelFile.save(a, f);
        String before = Files.readString(f);
        a.parameter("fc1.bias").value().set(2, 0, Double.NaN);
        assertThatThrownBy(() -> ModelFile.save(a, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ModelFile: parameter 'fc1.bias' holds NaN or infinite values; refusing to save a model"
                        + " that cannot be loaded");
        assertThat(Files.readString(f)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    // ------------------------------------------------------------------ version 1

    /** A version-1 file of these parameters, as version 1 wrote it (rows × cols). */
    static String version1(List<Parameter> ps) {
        StringBuilder sb = new StringBuilder("autodiff-lite-parameters 1\ncount ").append(ps.size()).append('\n');
        for (Parameter p : ps) {
            Tensor v = p.value();
            sb.append("parameter ").append(p.name()).append(' ').append(v.rows()).append(' ').append(v.cols()).append('\n');
            for (int i = 0; i < v.rows(); i++) {
                for (int j = 0; j < v.cols(); j++) {
                    sb.append(j == 0 ? "" : " ").append(v.get(i, j));
                }
                sb.append('\n');
            }
        }
        return sb.append("end\n").toString();
    }

    @Test
    void aVersion1FileLoadsIntoAModelBuiltInCodeAndLoadAloneSaysWhatToDo() throws IOException {
        Sequential a = net(1);
        a.parameter("fc2.bias").value().set(0, 0, -0.0);
        Path f = write(version1(a.parameters()));
        Sequential b = net(2);
        SavedModel s = ModelFile.load(b, f);
        assertThat(s.model()).isSameAs(b);
        assertThat(s.scaler()).isEmpty();
        assertSameBits(b.parameters(), a.parameters());
        assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": line 1: this is a version-1 file ('autodiff-lite-parameters 1'): it holds parameters"
                        + " only, no architecture. Build the model in code and call ModelFile.load(model, path); saving it"
                        + " again (ModelFile.save) writes version 2, which ModelFile.load(path) reads");
        // …and saving it again gives a file that loads alone.
        Path v2 = dir.resolve("v2.txt");
        ModelFile.save(b, v2);
        assertSameBits(ModelFile.load(v2).model().parameters(), a.parameters());
    }

    @Test
    void aVersion1FileOfAGraphModelWithBuffersLoads() throws IOException {
        GraphModel a = graphModelOfMatrices();
        a.buffers().get(0).value().set(1, 0, 0.375);
        List<Parameter> everything = new ArrayList<>(a.parameters());
        everything.addAll(a.buffers());   // version 1 wrote buffers as parameters
        Path f = write(version1(everything));
        GraphModel b = graphModelOfMatrices();
        ModelFile.load(b, f);
        assertSameBits(b.buffers(), a.buffers());
        assertSameBits(b.parameters(), a.parameters());
    }

    private static GraphModel graphModelOfMatrices() {
        return GraphModel.builder().seed(4).input("x", 2).labels("y", 1)
                .forward(m -> {
                    m.buffer("stats.mean", Tensor.zeros(2, 1));
                    return m.dense("fc", m.input("x"), 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy()).build();
    }

    @Test
    void commentsAndBlankLinesAreIgnoredAndOrderIsFreeInBothVersions() throws IOException {
        Parameter w = new Parameter("fc.weight", Tensor.zeros(1, 2));
        Parameter b = new Parameter("fc.bias", Tensor.zeros(1, 1));
        Path f = write("# written by hand\nautodiff-lite-parameters 1\ncount 2\n\nparameter fc.bias 1 1\n7\n"
                + "# the weights\nparameter fc.weight 1 2\n1 2.5e-3\nend\n");
        ModelFile.load(List.of(w, b), f);
        assertThat(w.value()).isEqualTo(Tensor.row(1, 0.0025));
        assertThat(b.value()).isEqualTo(Tensor.filled(1, 1, 7));
        Path g = write("# by hand\nautodiff-lite-model 2\n\nparameters 2\nparameter fc.bias 1 1\n  -7  \n"
                + "# the weights, separated by runs of spaces\nparameter fc.weight 1 2\n3    1e-3\nbuffers 0\nend\n\n");
        ModelFile.load(List.of(w, b), g);
        assertThat(w.value()).isEqualTo(Tensor.row(3, 0.001));
        assertThat(b.value()).isEqualTo(Tensor.filled(1, 1, -7));
    }

    @Test
    void saveOfParametersWritesAFileOfValuesOnly() throws IOException {
        Parameter w = new Parameter("fc.weight", Tensor.of(new double[][] {{1.5, -2}, {0.25, 3}}));
        Parameter v = new Parameter("v", Tensor.vector(1, 2, 3));
        Parameter s = new Parameter("s", Tensor.scalar(-0.5));
        Path f = dir.resolve("tiny.txt");
        ModelFile.save(List.of(w, v, s), f);
        assertThat(Files.readString(f)).isEqualTo("autodiff-lite-model 2\nparameters 3\n"
                + "parameter fc.weight 2 2\n1.5 -2.0\n0.25 3.0\nparameter v 3\n1.0 2.0 3.0\nparameter s\n-0.5\n"
                + "buffers 0\nend\n");
        Parameter w2 = new Parameter("fc.weight", Tensor.zeros(2, 2));
        Parameter v2 = new Parameter("v", Tensor.vector(0, 0, 0));
        Parameter s2 = new Parameter("s", Tensor.scalar(0));
        ModelFile.load(List.of(s2, w2, v2), f);
        assertSameBits(w2.value(), w.value());
        assertSameBits(v2.value(), v.value());
        assertSameBits(s2.value(), s.value());
    }

    // ------------------------------------------------------------------ corrupt and truncated files

    /** Saves a fresh model, lets {@code edit} corrupt the text, and loads it into another model. */
    private void assertLoadFails(UnaryOperator<String> edit, String... messageParts) throws IOException {
        Path f = dir.resolve("m.txt");
        ModelFile.save(net(1), f);
        Files.writeString(f, edit.apply(Files.readString(f)));
        Sequential target = net(2);
        List<String> before = bits(target.parameters());
        var thrown = assertThatThrownBy(() -> ModelFile.load(target, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString());
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertThat(bits(target.parameters())).isEqualTo(before);
        // Loading alone fails the same way (nothing to keep there: no model is returned).
        var alone = assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(IllegalArgumentException.class);
        for (String part : messageParts) {
            alone.hasMessageContaining(part);
        }
    }

    private static String replaceLine(String text, String prefix, UnaryOperator<String> change) {
        String[] lines = text.split("\n", -1);
        int i = lineOf(text, prefix) - 1;
        lines[i] = change.apply(lines[i]);
        return String.join("\n", lines);
    }

    @Test
    void aWrongShapeNamesParameterExpectedFoundAndLine() throws IOException {
        String text = Files.readString(saved());
        // fc2.weight is 3×5 in the model; claim 3×4.
        assertLoadFails(t -> t.replace("parameter fc2.weight 3 5", "parameter fc2.weight 3 4"),
                "line " + lineOf(text, "parameter fc2.weight") + ": parameter 'fc2.weight': expected shape 3×5 (the"
                        + " model's), found 3×4 in the file");
        assertLoadFails(t -> t.replace("parameter fc2.weight 3 5", "parameter fc2.weight 3 5 1"),
                "parameter 'fc2.weight': expected shape 3×5 (the model's), found 3×5×1 in the file");
    }

    private Path saved() throws IOException {
        Path f = dir.resolve("probe.txt");
        ModelFile.save(net(1), f);
        return f;
    }

    @Test
    void anUnknownDuplicatedOrMissingNameIsRejected() throws IOException {
        String text = Files.readString(saved());
        assertLoadFails(t -> t.replace("parameter fc3.bias 1 1", "parameter out.bias 1 1"),
                "line " + lineOf(text, "parameter fc3.bias") + ": parameter 'out.bias' is not in the model; the model has"
                        + " [fc1.weight, fc1.bias, fc2.weight, fc2.bias, fc3.weight, fc3.bias]");
        assertLoadFails(t -> t.replace("parameter fc3.bias 1 1", "parameter fc2.bias 1 1"),
                "parameter 'fc2.bias' appears twice");
        assertLoadFails(t -> {
            int i = t.indexOf("parameter fc3.bias");
            return t.substring(0, i).replace("parameters 6", "parameters 5") + "buffers 0\nend\n";
        }, "the file has no values for [fc3.bias]; it was saved from a different model");
        assertLoadFails(t -> t.replace("buffers 0", "buffers 1\nbuffer fc1.bias 5 1\n1 2 3 4 5"),
                "buffer 'fc1.bias' is not in the model; the model has it as a parameter, not a buffer");
    }

    @Test
    void aValueThatIsNotANumberOrNotFiniteIsRejectedWithItsPosition() throws IOException {
        String text = Files.readString(saved());
        int row1 = lineOf(text, "parameter fc1.weight") + 2;
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[row1 - 1] = lines[row1 - 1].replaceFirst("^\\S+", "abc");   // row 1 of fc1.weight
            return String.join("\n", lines);
        }, "line " + row1 + ": value [1][0] of 'fc1.weight' is 'abc', not a number");
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[row1 - 2] = lines[row1 - 2].replaceFirst("\\S+$", "NaN");
            return String.join("\n", lines);
        }, "line " + (row1 - 1) + ": value [0][3] of 'fc1.weight' is NaN; parameters must be finite");
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[row1 - 2] = lines[row1 - 2] + " 1.0";
            return String.join("\n", lines);
        }, "line " + (row1 - 1) + ": row 0 of 'fc1.weight' has 5 values, expected 4 (the last dim of 5×4)");
    }

    @Test
    void aFileCutAtAnyLineIsTruncatedAndSaysWhereAndWhatWasExpected() throws IOException {
        Sequential m = Sequential.builder(2).seed(1).dense("fc1", 2).relu().dropout(0.5).dense("fc2", 1)
                .loss(new SigmoidBinaryCrossEntropy()).build();
        Path full = dir.resolve("full.txt");
        ModelFile.save(SavedModel.of(m).withScaler(Standardizer.of(new double[] {1, 2}, new double[] {3, 4}))
                .withFeatureNames(List.of("a", "b")).withLabelName("y"), full);
        List<String> lines = Files.readAllLines(full);
        Path cut = dir.resolve("cut.txt");
        for (int k = 0; k < lines.size(); k++) {
            Files.write(cut, lines.subList(0, k));
            int line = k + 1;
            assertThatThrownBy(() -> ModelFile.load(cut)).as("cut after %d lines", k)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(cut + ": line " + line + ": the file ends where ")
                    .hasMessageEndingWith(" was expected; it is truncated");
        }
        // A line cut in the middle is a short row.
        int lastRow = lines.indexOf("parameter fc1.bias 2 1") - 1;
        List<String> midLine = new ArrayList<>(lines.subList(0, lastRow + 1));
        midLine.set(lastRow, midLine.get(lastRow).split(" ")[0]);
        Files.write(cut, midLine);
        assertThatThrownBy(() -> ModelFile.load(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(cut + ": line " + (lastRow + 1) + ": row 1 of 'fc1.weight' has 1 values, expected 2 (the last"
                        + " dim of 2×2)");
        // Some cut points, with what the message says was expected there.
        Files.write(cut, lines.subList(0, lines.indexOf("feature a") + 1));
        assertThatThrownBy(() -> ModelFile.load(cut)).hasMessageContaining("the file ends where 'feature <name>' (2 of 2)"
                + " was expected");
        Files.write(cut, lines.subList(0, lines.indexOf("parameter fc1.weight 2 2") + 2));
        assertThatThrownBy(() -> ModelFile.load(cut)).hasMessageContaining("the file ends where row 1 of 'fc1.weight'"
                + " (2 lines of 2 values) was expected");
        Files.write(cut, lines.subList(0, lines.size() - 1));
        assertThatThrownBy(() -> ModelFile.load(cut)).hasMessageContaining("the file ends where 'end' was expected");
    }

    @Test
    void aCorruptFileIsRejected() throws IOException {
        assertLoadFails(t -> "PK\u0003\u0004 garbage\n" + t, "line 1", "expected the header 'autodiff-lite-model 2'"
                + " (or 'autodiff-lite-parameters 1')", "this is not an autodiff-lite model file");
        assertLoadFails(t -> t.replace("autodiff-lite-model 2", "autodiff-lite-model 3"),
                "line 1: format version 3 is not supported; this version reads 2 (and version-1 parameter files)");
        assertLoadFails(t -> t.replace("autodiff-lite-model 2", "autodiff-lite-parameters 2"),
                "'autodiff-lite-parameters 2' is not a format this version reads");
        assertLoadFails(t -> t + "extra\n", "unexpected content after 'end'");
        assertLoadFails(t -> t.replace("parameters 6", "parameters six"),
                "the number of parameters must be a whole number ≥ 0, found 'six'");
        assertLoadFails(t -> t.replace("model Sequential", "model Recurrent"),
                "line 2: expected 'model Sequential' or 'model GraphModel', found 'model Recurrent'");
        assertLoadFails(t -> t.replace("layer relu relu1", "layer conv relu1"),
                "line 5: unknown layer kind 'conv'; a model file knows dense, relu, leakyRelu, sigmoid, tanh and dropout");
        assertLoadFails(t -> t.replace("layer dense fc2 3", "layer dense fc2"),
                "line 6: 'layer dense' takes a name and the number of units (layer dense <name> <units>), found"
                        + " 'layer dense fc2'");
        assertLoadFails(t -> t.replace("layer dense fc2 3", "layer dense fc2 0"),
                "line 6: the units of 'fc2' must be at least 1, found 0");
        assertLoadFails(t -> t.replace("layer relu relu2", "layer relu relu1"),
                "line 7: layer name 'relu1' appears twice; layer names must be unique");
        assertLoadFails(t -> t.replace("layer relu relu2", "layer dropout drop 1.5"),
                "line 7: Dropout: keep probability must be in (0, 1], got 1.5 (keep = 1 − drop rate)");
        assertLoadFails(t -> t.replace("layer relu relu2", "layer leakyRelu lr x"),
                "line 7: the slope of 'lr' is 'x', not a number");
        assertLoadFails(t -> t.replace("loss BinaryCrossEntropy", "loss Hinge"),
                "line 10: expected 'loss <name>' naming one of BinaryCrossEntropy, SigmoidBinaryCrossEntropy,"
                        + " MeanSquaredError, SoftmaxCrossEntropy, found 'loss Hinge'");
        // Loaded alone, a file whose input width was edited builds a model its weights do not fit.
        Path f = dir.resolve("input3.txt");
        Files.writeString(f, Files.readString(saved()).replace("input 4", "input 3"));
        assertThatThrownBy(() -> ModelFile.load(net(1), f)).hasMessageContaining("line 3: the file's Sequential has"
                + " 'input 3' where the model given has 'input 4'");
        assertThatThrownBy(() -> ModelFile.load(f)).hasMessageContaining("parameter 'fc1.weight': expected shape 5×3"
                + " (the model's), found 5×4 in the file");
        assertLoadFails(t -> t.replace("parameters 6", "label y\nfeatures 1\nfeature a\nparameters 6"),
                "expected 'parameters N', found 'features 1' (the sections come in this order: model, features,"
                        + " label, standardizer, parameters, buffers, end)");
        assertLoadFails(t -> t.replace("parameters 6", "features 3\nfeature a\nfeature b\nfeature c\nparameters 6"),
                "line 11: 3 feature names for a model of 4 input features; expected 4");
        assertLoadFails(t -> t.replace("parameters 6", "features 4\nfeature a\nfeature b\nfeature a\nfeature c\n"
                + "parameters 6"), "line 14: feature 'a' appears twice");
        assertLoadFails(t -> t.replace("parameters 6", "features 4\nfeature a\nfeature b\nfeature c\nfeature d\n"
                + "label d\nparameters 6"), "line 16: the label 'd' is also a feature; a model must not see the answer");
        assertLoadFails(t -> t.replace("parameters 6", "standardizer\nmean 1 2 3\nstd 1 1 1 1\nparameters 6"),
                "line 12: the standardizer's mean line has 3 values, expected 4 (one per input feature)");
        assertLoadFails(t -> t.replace("parameters 6", "standardizer\nmean 1 2 3 4\nstd 1 1 -1 1\nparameters 6"),
                "line 13: the std of feature 2 is -1; a standard deviation must be finite and ≥ 0");
        assertLoadFails(t -> t.replace("parameters 6", "standardizer\nmean 1 2 Infinity 4\nstd 1 1 1 1\nparameters 6"),
                "line 12: the mean of feature 2 is Infinity; it must be finite");
    }

    @Test
    void aNonUtf8FileIsRejectedAndTheModelKept() throws IOException {
        Path f = dir.resolve("bin.txt");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        Sequential target = net(2);
        List<String> before = bits(target.parameters());
        assertThatThrownBy(() -> ModelFile.load(target, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": not a UTF-8 text file, so not a model file");
        assertThat(bits(target.parameters())).isEqualTo(before);
    }

    /** Loading into a model given: the file's scaler and names come back with it. */
    @Test
    void loadIntoAModelReturnsTheFilesScalerAndNames() throws IOException {
        Sequential a = net(1);
        Standardizer s = Standardizer.of(new double[] {1, 2, 3, 4}, new double[] {0.5, 0, 2, 1e-300});
        Path f = dir.resolve("m.txt");
        ModelFile.save(SavedModel.of(a).withScaler(s).withFeatureNames(List.of("a", "b", "c", "d")), f);
        Model b = net(3);
        SavedModel back = ModelFile.load(b, f);
        assertThat(back.model()).isSameAs(b);
        assertThat(back.featureNames()).containsExactly("a", "b", "c", "d");
        assertThat(back.labelName()).isEmpty();
        assertThat(back.scaler().orElseThrow().stds()).containsExactly(0.5, 0, 2, 1e-300);
        Tensor x = Tensor.randn(4, 3, 2);
        assertSameBits(back.predict(x), a.predict(s.transform(x)));
    }
}
