package org.autodifflite.layers.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Node;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.ClassMetrics;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models of docs/models.md — a residual MLP with a focal loss, a model of two inputs, and a
 * CNN with batch norm on the bundled digits — run as written: trained by {@link Trainer}, checked by {@code checkGraph}, saved and
 * loaded. The code between the {@code // docs:} markers is the code of the page, word for word
 * ({@link #thePageShowsThisCode}).
 */
class ModelExamplesTest {

    private static final Path PAGE = Path.of("..", "docs", "models.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "org", "autodifflite", "layers", "examples",
            "ModelExamplesTest.java");

    /** 8 features; the label is 1 where x0·x1 + x2 > 0 (an interaction a plain linear model misses). */
    static Map<String, Tensor> residualData(int n, long seed) {
        Tensor x = Tensor.randn(8, n, seed);
        Tensor y = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            y.set(0, j, x.get(0, j) * x.get(1, j) + x.get(2, j) > 0 ? 1 : 0);
        }
        return Map.of("x", x, "y", y);
    }

    static GraphModel residualMlp() {
        // docs: residual
        GraphModel model = GraphModel.builder().seed(1)
                .input("x", 8).labels("y", 1)                                  // 8 features × batch
                .forward(m -> {
                    Node h = m.dense("in", m.input("x"), 16).relu();
                    Node r = m.dense("res2", m.dense("res1", h, 16).relu(), 16); // the block's two layers
                    return m.dense("out", r.add(h).relu(), 1).sigmoid();         // skip connection, head
                })
                .loss((p, y) -> {                                               // focal loss, γ = 2
                    Node pt = p.mul(y).add(p.neg().add(1).mul(y.neg().add(1))); // p where y = 1, else 1 − p
                    return pt.neg().add(1).pow(2).mul(pt.log()).neg().mean();
                })
                .build();
        // docs: end
        return model;
    }

    @Test
    void theResidualMlpWithAFocalLossTrainsAndPassesCheckGraph() {
        Map<String, Tensor> train = residualData(600, 1L);
        Tensor x = train.get("x");
        Tensor y = train.get("y");
        GraphModel model = residualMlp();
        // docs: residual-train
        List<Double> losses = Trainer.of(model, new Adam(0.01)).epochs(40).batchSize(32).seed(2).fit(x, y);
        ModelGraph mg = model.graph(Map.of("x", x.slice(1, 0, 8), "y", y.slice(1, 0, 8)), true);
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss()); // every node, end to end
        // docs: end
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 3);
        assertThat(accuracy(model.predict(residualData(400, 2L).get("x")), residualData(400, 2L).get("y")))
                .isGreaterThanOrEqualTo(0.9);
        assertThat(mg.graph().nodes()).extracting(n -> n.op() == null ? "" : n.op().name())
                .contains("Linear", "ReLU", "Add", "Sigmoid", "Multiply", "Negate", "Pow", "Log", "Mean");
    }

    /** A user's 4 features and an item's 3; clicked when their first features agree in sign. */
    static Map<String, Tensor> clickData(int n, long seed) {
        Tensor user = Tensor.randn(4, n, seed);
        Tensor item = Tensor.randn(3, n, seed + 1);
        Tensor click = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            click.set(0, j, user.get(0, j) * item.get(0, j) > 0 ? 1 : 0);
        }
        return Map.of("user", user, "item", item, "click", click);
    }

    static GraphModel twoInputModel() {
        // docs: two-input
        GraphModel model = GraphModel.builder().seed(3)
                .input("user", 4).input("item", 3).labels("click", 1)
                .forward(m -> {
                    Node u = m.dense("userTower", m.input("user"), 8).relu();
                    Node i = m.dense("itemTower", m.input("item"), 8).relu();
                    Node both = Node.concat(0, u, i);                           // 16 features × batch
                    return m.dense("head", m.dense("mix", both, 8).relu(), 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
        // docs: end
        return model;
    }

    @Test
    void theTwoInputModelTrainsPassesCheckGraphAndRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
        Map<String, Tensor> data = clickData(800, 5L);
        GraphModel model = twoInputModel();
        // docs: two-input-train
        Trainer.of(model, new Adam(0.02)).epochs(40).batchSize(32).seed(4).fit(data);   // every name at once
        Map<String, Tensor> test = clickData(400, 7L);
        Tensor p = model.predict(Map.of("user", test.get("user"), "item", test.get("item")));
        // docs: end
        assertThat(accuracy(p, test.get("click"))).isGreaterThanOrEqualTo(0.85);
        Map<String, Tensor> small = Map.of("user", test.get("user").slice(1, 0, 6),
                "item", test.get("item").slice(1, 0, 6), "click", test.get("click").slice(1, 0, 6));
        ModelGraph mg = model.graph(small, true);
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(report.passed()).as(report.render()).isTrue();

        Path file = dir.resolve("clicks.txt");
        ModelFile.save(model, file);
        GraphModel fresh = twoInputModel();
        ModelFile.load(fresh, file);
        assertThat(fresh.predict(Map.of("user", test.get("user"), "item", test.get("item")))).isEqualTo(p);
    }

    static GraphModel digitsCnn() {
        // docs: cnn
        GraphModel cnn = GraphModel.builder().seed(1)
                .input("img", 1, 8, 8).labels("digit", 1)                       // N×1×8×8 images, 1×N labels
                .forward(m -> {
                    Node h = m.conv2d("conv1", m.input("img"), 8, 3, 1, 1).relu(); // N×8×8×8
                    h = m.batchNorm("bn1", m.maxPool(h, 2));                        // N×8×4×4; statistics as buffers
                    h = m.conv2d("conv2", h, 16, 3, 1, 1).relu();                  // N×16×4×4
                    return m.dense("fc", m.flatten(h), 10);                         // 10×N logits
                })
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
        // docs: end
        return cnn;
    }

    @Test
    void aCnnWithBatchNormTrainsOnTheDigitsPassesCheckGraphAndRoundTripsThroughAFile(@TempDir Path dir)
            throws IOException {
        GraphModel cnn = digitsCnn();
        // docs: cnn-train
        Digits.Parts parts = Digits.load().split(0.2, 42);                      // stratified by digit, seeded
        Trainer.of(cnn, new Adam(0.003)).epochs(5).batchSize(32).seed(42)
                .fit(Map.of("img", parts.train().images(), "digit", parts.train().labels()));
        Tensor logits = cnn.predict(Map.of("img", parts.test().images()));      // evaluation: running statistics
        ClassMetrics metrics = ClassMetrics.of(logits, parts.test().labels());  // logits 10×N, labels 1×N
        double accuracy = metrics.accuracy();
        String confusion = metrics.render();                                     // the confusion matrix as text
        // docs: end
        assertThat(accuracy).isGreaterThanOrEqualTo(0.95);
        assertThat(confusion).startsWith("true \\ predicted").contains("precision", "accuracy 0.9");
        assertThat(cnn.buffers()).extracting(org.autodifflite.core.Parameter::name)
                .containsExactly("bn1.runningMean", "bn1.runningVar");
        Digits four = parts.test().select(new int[] {0, 1, 2, 3}, "four");
        ModelGraph mg = cnn.graph(Map.of("img", four.images(), "digit", four.labels()), true);
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        assertThat(report.passed()).as(report.render()).isTrue();

        Path file = dir.resolve("digits-cnn.txt");
        ModelFile.save(cnn, file);
        GraphModel fresh = digitsCnn();
        ModelFile.load(fresh, file);
        assertThat(fresh.predict(Map.of("img", parts.test().images()))).isEqualTo(logits);
    }

    private static double accuracy(Tensor p, Tensor y) {
        int right = 0;
        for (int j = 0; j < y.cols(); j++) {
            right += (p.get(0, j) > 0.5) == (y.get(0, j) == 1) ? 1 : 0;
        }
        return right / (double) y.cols();
    }

    /** Each {@code // docs: name} … {@code // docs: end} block appears in docs/models.md as written. */
    @Test
    void thePageShowsThisCode() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        String page = squash(Files.readString(PAGE, StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("// docs: ([\\w-]+)\\n(.*?)\\n\\s*// docs: end", Pattern.DOTALL).matcher(source);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            assertThat(page).as("docs/models.md shows block '%s'", m.group(1)).contains(squash(m.group(2)));
        }
        assertThat(blocks).isEqualTo(6);
    }

    /** Whitespace folded, so the page may indent differently. */
    private static String squash(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
