package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each subcommand on small settings, through the real command line. */
class CommandsTest {

    @TempDir
    Path dir;

    /** The output of one run. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertPng(Path file) throws IOException {
        assertThat(file).exists();
        assertThat(Files.size(file)).isGreaterThan(1000);
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img.getWidth()).isGreaterThan(100);
    }

    @Test
    void trainOnSyntheticPaymentsChecksGradientsSavesTheModelAndDrawsTheLossCurve() throws IOException {
        Path model = dir.resolve("m/model.txt");
        Path chart = dir.resolve("loss.png");
        Run r = run("train", "--samples", "4000", "--epochs", "4", "--lr", "0.01", "--check-every", "2", "--model",
                model.toString(), "--chart", chart.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch 4/4", "gradient check, epoch 2", "gradient check, epoch 4",
                "PASS in", "in 2 sampled gradient checks", "precision", "recall", "F1", "ROC-AUC");
        assertThat(model).exists();
        // One self-describing file: architecture, values, the scaler and the column names.
        assertThat(Files.readString(model)).startsWith("autodiff-lite-model 2\nmodel Sequential\ninput 7\n")
                .contains("\nfeatures 7\nfeature log_amount\nfeature hour\n", "\nlabel fraud\nstandardizer\nmean ");
        assertThat(dir.resolve("m/model.txt.scaling.csv")).doesNotExist();
        assertPng(chart);
        double auc = Double.parseDouble(r.out().replaceAll("(?s).*ROC-AUC (\\S+).*", "$1"));
        // The synthetic classes overlap but are well separated: a working net ranks fraud high.
        assertThat(auc).isGreaterThan(0.85);
    }

    /**
     * The full default run of {@code train --data digits} (the CNN, 20 epochs, the seeded 80/20
     * split; about 10 s): at least 97 % of the test digits right, the confusion matrix, the saved
     * model (which loads into a fresh CNN and gives the same accuracy) and both pictures.
     */
    @Test
    void trainTheCnnOnTheDigitsToAtLeast97PercentTestAccuracy() throws IOException {
        Path model = dir.resolve("digits.txt");
        Path curves = dir.resolve("curves.png");
        Run r = run("train", "--data", "digits", "--arch", "cnn", "--model", model.toString(), "--chart",
                curves.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Data: UCI optical digits (scikit-learn's copy) — 1797 images 1×8×8",
                "Split: 1438 for training, 359 for testing, stratified by digit (seed 42)",
                "Model: CNN: conv1 1→8 3×3 pad 1 → ReLU → max-pool 2×2 → conv2 8→16 3×3 pad 1", "3818 parameters",
                "epoch 20/20", "gradient check, epoch 20 (batch of 32, up to 8 entries per input): PASS",
                "true \\ predicted", "precision", "Misclassified digits: ");
        String line = r.out().lines().filter(l -> l.startsWith("test accuracy: ")).findFirst().orElseThrow();
        double accuracy = Double.parseDouble(line.split(" ")[2]);
        assertThat(accuracy).as(line).isGreaterThanOrEqualTo(0.97);

        org.autodifflite.layers.model.GraphModel fresh = DigitsCnn.model(1);
        org.autodifflite.layers.io.ModelFile.load(fresh, model);
        org.autodifflite.layers.data.Digits test = org.autodifflite.layers.data.Digits.load().split(0.2, 42).test();
        double reloaded = org.autodifflite.layers.train.ClassMetrics.of(
                fresh.predict(java.util.Map.of(DigitsCnn.IMAGES, test.images())), test.labels()).accuracy();
        assertThat(reloaded).isEqualTo(accuracy, org.assertj.core.api.Assertions.within(5e-5));
        assertPng(curves);
        assertPng(dir.resolve("curves-misclassified.png"));
    }

    @Test
    void optionsThatDoNotFitTheDataAreRefusedNamingThem() {
        Run threshold = run("train", "--data", "digits", "--threshold", "0.3");
        assertThat(threshold.code()).isEqualTo(2);
        assertThat(threshold.err()).contains("error: --threshold does not apply to --data digits");
        Run arch = run("train", "--arch", "cnn");
        assertThat(arch.code()).isEqualTo(2);
        assertThat(arch.err()).contains("error: --arch applies to --data digits only");
        Run data = run("train", "--data", "mnist");
        assertThat(data.code()).isEqualTo(2);
        assertThat(data.err()).contains("error: --data must be payments or digits, got 'mnist'");
        Run hidden = run("train", "--data", "digits", "--hidden", "32");
        assertThat(hidden.code()).isEqualTo(2);
        assertThat(hidden.err()).contains("--hidden sets the widths of --arch mlp");
        Run badArch = run("train", "--data", "digits", "--arch", "rnn");
        assertThat(badArch.code()).isEqualTo(2);
        assertThat(badArch.err()).contains("--arch must be cnn or mlp, got 'rnn'");
    }

    /** The dense alternative on the same digits, a short run: the same report and files. */
    @Test
    void trainAnMlpOnTheDigitsPixels() throws IOException {
        Run r = run("train", "--data", "digits", "--arch", "mlp", "--epochs", "3", "--check-every", "3", "--model",
                dir.resolve("mlp.txt").toString(), "--chart", dir.resolve("mlp.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model: MLP: dense 64 (ReLU) → dense fc 10", "epoch 3/3",
                "gradient check, epoch 3", "PASS", "test accuracy: 0.9");
        assertThat(Files.readString(dir.resolve("mlp.txt"))).contains("parameter fc1.weight 64 64",
                "parameter fc2.weight 10 64");
        assertPng(dir.resolve("mlp-misclassified.png"));
    }

    @Test
    void trainOnACsvFile() throws IOException {
        Path csv = dir.resolve("data.csv");
        StringBuilder sb = new StringBuilder("x1,x2,label\n");
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            int y = i % 4 == 0 ? 1 : 0;
            sb.append(rng.nextGaussian() + 2 * y).append(',').append(rng.nextGaussian()).append(',').append(y).append('\n');
        }
        Files.writeString(csv, sb);
        Run r = run("train", "--csv", csv.toString(), "--label", "label", "--epochs", "3", "--check-every", "0",
                "--model", dir.resolve("model.txt").toString(), "--chart", dir.resolve("loss.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(csv.toAbsolutePath().normalize() + " — 200 samples, 2 features [x1, x2], 25.00% positive",
                "Test set (51 samples, 13 labelled 1), predicted 1 at score ≥ 0.5", "false negatives", "ROC-AUC");
        // The user's own data is not called payments or fraud.
        assertThat(r.out()).doesNotContainIgnoringCase("fraud").doesNotContainIgnoringCase("payment");
    }

    @Test
    void aCsvWithTextLabelsSaysLabelsMustBe01AndAMissingFileNamesItsAbsolutePath() throws IOException {
        Path csv = dir.resolve("yes-no.csv");
        Files.writeString(csv, "x,churned\n1,no\n2,yes\n");
        Run r = run("train", "--csv", csv.toString(), "--label", "churned");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + csv + " line 2, label column 'churned': 'no' is not a number;"
                + " labels must be 0 or 1: map the two classes to 0 and 1 first (for example no → 0, yes → 1)");
        Run missing = run("train", "--csv", "no-such-file.csv", "--label", "y");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("CSV file " + Path.of("no-such-file.csv").toAbsolutePath() + " does not exist"
                + " (the path no-such-file.csv was resolved against the working directory");
    }

    @Test
    void aMalformedCsvIsAnErrorNamingTheLineWithoutAStackTrace() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "x1,x2,label\n1,2,0\n3,oops,1\n");
        Run r = run("train", "--csv", csv.toString(), "--label", "label");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + csv + " line 3, column 2 'x2': 'oops' is not a number")
                .doesNotContain("Exception");
        Run noLabel = run("train", "--csv", csv.toString());
        assertThat(noLabel.code()).isEqualTo(2);
        assertThat(noLabel.err()).contains("--csv and --label go together");
        Run logitThreshold = run("train", "--threshold", "2");
        assertThat(logitThreshold.code()).isEqualTo(2);
        assertThat(logitThreshold.err()).isEqualTo("error: --threshold is a probability and must be within [0, 1] (0.5"
                + " flags the more likely class), got 2.0" + System.lineSeparator());
        assertThat(logitThreshold.out()).isEmpty();   // refused before any data was made or any training ran
    }

    @ParameterizedTest
    @ValueSource(strings = {"exhaustive", "fast", "subset"})
    void checkPassesACorrectNetworkAndTimesIt(String mode) {
        Run r = run("check", "--layers", "12,6,1", "--batch", "4", "--mode", mode);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("mode " + mode, "gradient check PASSED", "Checked in");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fc2.weight:scale", "fc1.bias:sign", "fc1.weight:transpose", "fc2.bias:scale=3"})
    void checkFindsEachPlantedBugAndNamesTheParameter(String bug) {
        for (String mode : List.of("exhaustive", "fast", "subset")) {
            Run r = run("check", "--layers", "6,5,3", "--batch", "4", "--mode", mode, "--plant-bug", bug);
            assertThat(r.code()).as(mode + "\n" + r.out() + r.err()).isEqualTo(1);
            String layer = bug.substring(0, bug.indexOf('.'));
            assertThat(r.out()).contains("Planted bug: " + bug, layer, "FAIL");
        }
    }

    @Test
    void aCsvWithASingleClassIsRefusedBeforeTraining() throws IOException {
        Path csv = dir.resolve("one-class.csv");
        Files.writeString(csv, "x,y\n1,0\n2,0\n3,0\n4,0\n");
        Run r = run("train", "--csv", csv.toString(), "--label", "y");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + csv + ": all 4 labels are 0 (column 'y'); a classifier needs samples"
                + " of both classes");
    }

    @Test
    void checkWritesAnHtmlReportPrintsTheSummaryOnceAndCallsANonSquareTransposeTransposed() throws IOException {
        Path html = dir.resolve("r/report.html");
        Run r = run("check", "--layers", "4,16,8,1", "--batch", "3", "--mode", "exhaustive", "--plant-bug",
                "fc2.weight:transpose", "--html", html.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out().split("gradient check FAILED", -1)).as(r.out()).hasSize(2);
        assertThat(r.out()).contains("fc2.W (= fc2.weight) FAIL")
                .contains("transposed: analytic ≈ numericᵀ read in the shape 8×16 (the gradient was computed as its")
                .contains("HTML report: " + html);
        assertThat(r.out().lines().filter(l -> !l.startsWith("Network: "))).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(120));
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("\"label\":\"fc2\"");
    }

    @Test
    void checkRefusesABugInAParameterThatDoesNotExist() {
        Run r = run("check", "--layers", "6,5,3", "--plant-bug", "fc9.weight:scale");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("fc9.weight", "fc1.weight");
        Run kind = run("check", "--layers", "6,5,3", "--plant-bug", "fc1.weight:double");
        assertThat(kind.err()).contains("scale, sign or transpose");
    }

    @Test
    void sweepWritesTheChartAndTheCsvAndShowsTheVAndTheFlatLine() throws IOException {
        Path chart = dir.resolve("sweep.png");
        Path csv = dir.resolve("sweep.csv");
        Run r = run("sweep", "--per-decade", "1", "--chart", chart.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertPng(chart);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(11); // header + ε = 1e-1 … 1e-10
        List<String> header = List.of(lines.get(0).split(","));
        int buggyW = header.indexOf("\"fc2 W (fc2.weight)\"");
        int sigmoid = -1;
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).startsWith("\"sigmoid")) {
                sigmoid = i;
            }
        }
        assertThat(buggyW).isPositive();
        assertThat(sigmoid).isPositive();
        double minRight = Double.MAX_VALUE;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            // The doubled gradient: (2g − g) / (2g + g) = 1/3 at every step.
            assertThat(Double.parseDouble(f[buggyW])).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-3));
            minRight = Math.min(minRight, Double.parseDouble(f[sigmoid]));
        }
        assertThat(minRight).isLessThan(1e-8);
        // The V: both ends of a correct, curved node's sweep are far above its best.
        String first = lines.get(1).split(",")[sigmoid];
        String last = lines.get(10).split(",")[sigmoid];
        assertThat(Double.parseDouble(first)).isGreaterThan(100 * minRight);
        assertThat(Double.parseDouble(last)).isGreaterThan(100 * minRight);
    }

    @Test
    void versionNamesTheFilteredVersionAndTheKernelAndWhyItIsScalar() {
        Run r = run("--version");
        assertThat(r.code()).isZero();
        // Maven filled in the version: not the placeholder.
        assertThat(VersionInfo.version()).matches("\\d+\\.\\d+\\.\\d+\\S*");
        assertThat(r.out()).startsWith("autodiff-lite " + VersionInfo.version() + System.lineSeparator())
                .contains("matrix kernel: " + org.autodifflite.core.Tensor.matmulKernel(), "Java ");
        // The unit tests run without the vector module: the line says how to get the vector kernel.
        assertThat(r.out()).contains("matrix kernel: scalar, ", "needs the JVM option --add-modules jdk.incubator.vector");
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("walkthrough", "train", "predict", "check", "sweep");
    }
}
