package org.autodifflite.layers.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.ops.AvgPool2d;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Sgd;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link GraphModel.Scope} helpers for images and sequences — {@code conv2d},
 * {@code maxPool}, {@code avgPool}, {@code flatten}, {@code batchNorm}, {@code layerNorm},
 * {@code embedding} — create the parameters and buffers they document, seeded, and build graphs
 * that pass the gradient checker; checking never changes a parameter, gradient or running
 * statistic; {@code ModelFile} round-trips a CNN with buffers; and the trainer cuts batch-first
 * image inputs along axis 0, keeping each image with its label.
 */
class GraphModelLayersTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /** img N×1×6×6 → conv (4 filters 3×3, padding 1) → ReLU → max-pool 2 → flatten 36 → fc 3 logits. */
    private static GraphModel cnn(long seed) {
        return GraphModel.builder().seed(seed)
                .input("img", 1, 6, 6).labels("y", 1)
                .forward(m -> {
                    Node h = m.conv2d("conv", m.input("img"), 4, 3, 1, 1).relu();
                    return m.dense("fc", m.flatten(m.maxPool(h, 2)), 3);
                })
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
    }

    /** The same with a batch norm over the conv's channels: its running statistics are buffers. */
    private static GraphModel cnnWithBatchNorm(long seed) {
        return GraphModel.builder().seed(seed)
                .input("img", 1, 6, 6).labels("y", 1)
                .forward(m -> {
                    Node h = m.batchNorm("bn", m.conv2d("conv", m.input("img"), 4, 3, 1, 1)).relu();
                    return m.dense("fc", m.flatten(m.avgPool(h, 2)), 3);
                })
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
    }

    /** The generator a model built with {@code seed} draws its parameters from, at its first parameter. */
    private static Well19937c initGenerator(long seed) {
        Well19937c rng = new Well19937c(seed);
        rng.nextLong();   // the builder first draws the seed of the dropout masks' generator
        return rng;
    }

    private static Map<String, Tensor> images(int n, long seed) {
        Tensor img = Tensor.uniform(new int[] {n, 1, 6, 6}, 0, 1, new Well19937c(seed));
        Tensor y = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            y.set(0, j, j % 3);
        }
        return Map.of("img", img, "y", y);
    }

    @Test
    void conv2dMaxPoolAndFlattenBuildAnImageModelWithHeInitializedKernelsAndZeroBiases() {
        GraphModel model = cnn(5);
        assertThat(model.parameters()).extracting(Parameter::name)
                .containsExactly("conv.weight", "conv.bias", "fc.weight", "fc.bias");
        assertThat(model.parameter("conv.weight").value().dims()).containsExactly(4, 1, 3, 3);
        assertThat(model.parameter("conv.bias").value()).isEqualTo(Tensor.zeros(4));
        assertThat(model.parameter("fc.weight").value().dims()).containsExactly(3, 36);
        // The model's first draw after the seed of its dropout masks, He over the fan-in C·kh·kw = 9.
        Tensor he = Initializer.he().initialize(new int[] {4, 1, 3, 3}, initGenerator(5L));
        assertThat(model.parameter("conv.weight").value()).isEqualTo(he);

        ModelGraph mg = model.graph(images(2, 1L), true);
        assertThat(mg.graph().node("conv").value().dims()).containsExactly(2, 4, 6, 6);
        assertThat(mg.graph().node("maxpool1").value().dims()).containsExactly(2, 4, 3, 3);
        assertThat(mg.graph().node("flatten1").value().dims()).containsExactly(36, 2);
        assertThat(mg.output().value().dims()).containsExactly(3, 2);
        CheckReport r = CHECKER.checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
    }

    @Test
    void heInitializationScalesWithTheFanInOfTheKernel() {
        GraphModel model = GraphModel.builder().seed(2)
                .input("img", 8, 5, 5).labels("y", 1)
                .forward(m -> m.dense("fc", m.flatten(m.conv2d("conv", m.input("img"), 64, 3, 1, 0)), 1).sigmoid())
                .loss(new BinaryCrossEntropy())
                .build();
        double[] w = model.parameter("conv.weight").value().data();   // 64×8×3×3: 4,608 draws
        double sumSq = 0;
        for (double v : w) {
            sumSq += v * v;
        }
        assertThat(Math.sqrt(sumSq / w.length)).isCloseTo(Math.sqrt(2.0 / 72), within(0.05 * Math.sqrt(2.0 / 72)));
    }

    @Test
    void poolsWithStridesAverageAndFlattenAsTheirOps() {
        Tensor x = Tensor.randn(new int[] {3, 2, 7, 7}, 4L);
        GraphModel model = GraphModel.builder()
                .input("img", 2, 7, 7).labels("y", 1)
                .forward(m -> {
                    Node a = m.avgPool(m.input("img"), 2);        // 3×2×3×3
                    Node b = m.maxPool(m.input("img"), 3, 2);     // 3×2×3×3
                    return m.dense("fc", m.flatten(a.add(b)), 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
        ModelGraph mg = model.graph(Map.of("img", x, "y", Tensor.zeros(1, 3)), false);
        assertThat(mg.graph().node("avgpool1").value()).isEqualTo(new AvgPool2d(2).forward(x));
        assertThat(mg.graph().node("maxpool1").value().dims()).containsExactly(3, 2, 3, 3);
        assertThat(mg.graph().node("flatten1").value().dims()).containsExactly(18, 3);
    }

    @Test
    void aConvolutionOfFeaturesOrWithoutFiltersIsRefusedNamingTheLayout() {
        assertThatThrownBy(() -> GraphModel.builder().input("x", 8).labels("y", 1)
                .forward(m -> m.conv2d("conv", m.input("x"), 4, 3, 1, 1))
                .loss(new BinaryCrossEntropy()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d 'conv' takes images N×C×H×W (batch first), got 8×1")
                .hasMessageContaining("input(name, C, H, W)");
        assertThatThrownBy(() -> GraphModel.builder().input("img", 1, 4, 4).labels("y", 1)
                .forward(m -> m.conv2d("conv", m.input("img"), 0, 3, 1, 1))
                .loss(new BinaryCrossEntropy()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one filter");
        assertThatThrownBy(() -> GraphModel.builder().input("img", 1, 4, 4).labels("y", 1)
                .forward(m -> m.conv2d("conv", m.input("img"), 2, 3, 0, 1))
                .loss(new BinaryCrossEntropy()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
    }

    /** Every parameter's value and gradient, and every buffer's value, as raw bits. */
    private static List<long[]> state(GraphModel model) {
        List<long[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(bits(p.value()));
            out.add(bits(p.grad()));
        }
        for (Parameter b : model.buffers()) {
            out.add(bits(b.value()));
        }
        return out;
    }

    private static long[] bits(Tensor t) {
        return Arrays.stream(t.data()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static void assertSameBits(List<long[]> before, List<long[]> after) {
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("tensor %d of the model's state", i).isEqualTo(before.get(i));
        }
    }

    private static Tensor buffer(GraphModel model, String name) {
        return model.buffers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void batchNormKeepsItsRunningStatisticsAsBuffersThatOnlyATrainingStepChanges() {
        GraphModel model = cnnWithBatchNorm(6);
        assertThat(model.parameters()).extracting(Parameter::name)
                .containsExactly("conv.weight", "conv.bias", "bn.gamma", "bn.beta", "fc.weight", "fc.bias");
        assertThat(model.buffers()).extracting(Parameter::name).containsExactly("bn.runningMean", "bn.runningVar");
        assertThat(model.parameter("bn.gamma").value()).isEqualTo(Tensor.ones(4));
        assertThat(buffer(model, "bn.runningVar")).isEqualTo(Tensor.ones(4));
        Map<String, Tensor> batch = images(5, 2L);
        // One committed step, so that the running statistics and the gradients are not their first values.
        Trainer.of(model, new Sgd(0.1)).epochs(1).batchSize(5).fit(batch);
        assertThat(buffer(model, "bn.runningMean")).isNotEqualTo(Tensor.zeros(4));
        List<long[]> before = state(model);
        for (boolean training : new boolean[] {true, false}) {
            ModelGraph mg = model.graph(batch, training);
            CheckReport r = CHECKER.checkGraph(mg.graph(), mg.loss());
            assertThat(r.passed()).as("training %s:%n%s", training, r.render()).isTrue();
            CheckReport fast = CHECKER.fast(2).checkGraph(mg.graph(), mg.loss());
            assertThat(fast.passed()).as("fast, training %s:%n%s", training, fast.render()).isTrue();
            assertSameBits(before, state(model));
        }
        // A training graph stages runningUpdate of what the layer normalized; a commit applies exactly it.
        ModelGraph mg = model.graph(batch, true);
        BatchNorm.RunningStats want = BatchNorm.runningUpdate(mg.graph().node("conv").value(),
                buffer(model, "bn.runningMean"), buffer(model, "bn.runningVar"));
        assertSameBits(before, state(model));
        mg.commitUpdates();
        assertThat(buffer(model, "bn.runningMean")).isEqualTo(want.mean());
        assertThat(buffer(model, "bn.runningVar")).isEqualTo(want.variance());
        // Evaluation normalizes with the buffers, as data leaves of the graph.
        ModelGraph eval = model.graph(batch, false);
        assertThat(eval.graph().node("bn.runningMean").value()).isSameAs(buffer(model, "bn.runningMean"));
        assertThat(model.predict(Map.of("img", batch.get("img")))).isEqualTo(eval.output().value());
    }

    @Test
    void modelFileRoundTripsACnnWithBuffersBitForBit(@TempDir Path dir) throws Exception {
        GraphModel model = cnnWithBatchNorm(7);
        Map<String, Tensor> data = images(12, 3L);
        Trainer.of(model, new Adam(0.01)).epochs(2).batchSize(4).seed(1).fit(data);
        Path file = dir.resolve("cnn.txt");
        ModelFile.save(model, file);
        assertThat(java.nio.file.Files.readString(file)).contains("parameter conv.weight 4 1 3 3",
                "parameter conv.bias 4", "buffer bn.runningMean 4", "buffer bn.runningVar 4");
        GraphModel fresh = cnnWithBatchNorm(8);
        ModelFile.load(fresh, file);
        for (Parameter p : model.parameters()) {
            assertThat(bits(fresh.parameter(p.name()).value())).as(p.name()).isEqualTo(bits(p.value()));
        }
        for (Parameter b : model.buffers()) {
            assertThat(bits(buffer(fresh, b.name()))).as(b.name()).isEqualTo(bits(b.value()));
        }
        Map<String, Tensor> in = Map.of("img", data.get("img"));
        assertThat(bits(fresh.predict(in))).isEqualTo(bits(model.predict(in)));
    }

    /**
     * Image {@code s} holds the value {@code s} in every pixel and the label {@code s mod 3}: each
     * batch the trainer cuts is images (axis 0) and labels (columns) of the same samples, in the
     * order of {@link MiniBatches#shuffled} with the trainer's seed, every sample once per epoch.
     */
    @Test
    void theTrainerCutsBatchFirstImagesAlongAxisZeroWithTheirLabels() {
        int n = 10;
        double[] px = new double[n * 4];
        Tensor y = Tensor.zeros(1, n);
        for (int s = 0; s < n; s++) {
            Arrays.fill(px, s * 4, s * 4 + 4, s);
            y.set(0, s, s % 3);
        }
        Tensor img = Tensor.wrap(new int[] {n, 1, 2, 2}, px);
        GraphModel model = GraphModel.builder().seed(1)
                .input("img", 1, 2, 2).labels("y", 1)
                .forward(m -> m.dense("fc", m.flatten(m.input("img")), 3))
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
        assertThat(model.sampleAxis("img")).isZero();
        assertThat(model.sampleAxis("y")).isEqualTo(1);
        List<Integer> seen = new ArrayList<>();
        Trainer.of(model, new Sgd(0.01)).epochs(2).batchSize(4).seed(9).listener(new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                Tensor bi = e.model().input("img").value();
                Tensor bl = e.model().labels().value();
                assertThat(bi.dims()[0]).isEqualTo(bl.cols());
                for (int j = 0; j < bl.cols(); j++) {
                    int s = (int) bi.data()[j * 4];
                    for (int k = 1; k < 4; k++) {
                        assertThat(bi.data()[j * 4 + k]).isEqualTo(s);
                    }
                    assertThat(bl.get(0, j)).as("label of image %d", s).isEqualTo(s % 3);
                    seen.add(s);
                }
            }
        }).fit(Map.of("img", img, "y", y));
        Well19937c rng = new Well19937c(9L);   // the trainer's generator (the long seed constructor)
        List<Integer> want = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int[] b : MiniBatches.shuffled(n, 4, rng)) {
                for (int s : b) {
                    want.add(s);
                }
            }
        }
        assertThat(seen).isEqualTo(want);
    }

    /**
     * Token ids L×N (a sample of one axis is a column) → embedding L×N×D → layer norm over D →
     * mean over the positions → D×N features → fc → sigmoid: the table is drawn from N(0, 1),
     * the norm's scale and shift start at 1 and 0, and the graph passes the checker.
     */
    @Test
    void embeddingAndLayerNormBuildASequenceModelThatPassesTheChecker() {
        GraphModel model = GraphModel.builder().seed(4)
                .input("tokens", 6).labels("y", 1)
                .forward(m -> {
                    Node e = m.embedding("emb", m.input("tokens"), 10, 4);   // 6×N×4
                    Node h = m.layerNorm("ln", e).mean(0);                     // N×4
                    return m.dense("fc", h.t(), 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
        assertThat(model.parameters()).extracting(Parameter::name)
                .containsExactly("emb.table", "ln.gamma", "ln.beta", "fc.weight", "fc.bias");
        assertThat(model.parameter("emb.table").value())
                .isEqualTo(Initializer.normal(1.0).initialize(new int[] {10, 4}, initGenerator(4L)));
        assertThat(model.parameter("ln.gamma").value()).isEqualTo(Tensor.ones(4));
        assertThat(model.parameter("ln.beta").value()).isEqualTo(Tensor.zeros(4));
        Tensor tokens = Tensor.uniform(new int[] {6, 3}, 0, 10, new Well19937c(5)).map(Math::floor);
        ModelGraph mg = model.graph(Map.of("tokens", tokens, "y", Tensor.row(1, 0, 1)), true);
        assertThat(mg.graph().node("emb").value().dims()).containsExactly(6, 3, 4);
        CheckReport r = CHECKER.checkGraph(mg.graph(), mg.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThatThrownBy(() -> model.graph(Map.of("tokens", tokens.map(v -> v + 0.5), "y", Tensor.row(1, 0, 1)),
                true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a whole number");
    }
}
