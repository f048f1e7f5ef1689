package org.autodifflite.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Node;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.ClassMetrics;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import picocli.CommandLine.ParseResult;

/**
 * {@code train --data digits}: a classifier of the bundled 8×8 handwritten digits ({@link Digits})
 * — the CNN of {@link DigitsCnn} ({@code --arch cnn}, the default) or a dense network of the 64
 * pixels ({@code --arch mlp}) — trained with Adam on a seeded, stratified 80/20 split, with the
 * progress bar and a sampled gradient check every few epochs. Prints the test accuracy (a line
 * {@code test accuracy: 0.9xxx}) and the confusion matrix, saves the model, and draws the loss
 * and accuracy curves and the misclassified test digits.
 *
 * <p>It shares {@code train}'s options; where the fraud model's default does not suit the digits
 * (epochs, batch, learning rate, test fraction, hidden widths, file names), an option not given on
 * the command line takes this class's default instead.
 */
final class DigitsTraining {

    /** Passes over the training set, unless {@code --epochs} is given. */
    static final int EPOCHS = 20;
    /** Batch size, unless {@code --batch} is given. */
    static final int BATCH = 32;
    /** Adam's learning rate, unless {@code --lr} is given. */
    static final double LEARNING_RATE = 0.003;
    /** The share held out for testing, unless {@code --test-fraction} is given. */
    static final double TEST_FRACTION = 0.2;
    /** The MLP's hidden widths, unless {@code --hidden} is given. */
    static final int[] HIDDEN = {64};
    /** Misclassified digits drawn at most. */
    static final int GRID_MAX = 60;

    private static final String PIXELS = "pixels";

    private final PrintStream out;
    private final boolean cnn;
    private final int epochs;
    private final int batch;
    private final double learningRate;
    private final double testFraction;
    private final int[] hidden;
    private final long seed;
    private final int checkEvery;
    private final int checkEntries;
    private final Path modelFile;
    private final Path chartFile;

    /**
     * Takes {@code train}'s options, with this class's defaults for those not given.
     *
     * @param out where results go
     * @param c the parsed {@code train} command
     * @param given which options the command line named
     * @throws IllegalArgumentException for an option that has no meaning for the digits, or an
     *     out-of-range value
     */
    DigitsTraining(PrintStream out, TrainCommand c, ParseResult given) {
        this.out = out;
        for (String binaryOnly : List.of("--csv", "--label", "--samples", "--fraud-rate", "--threshold")) {
            if (given.hasMatchedOption(binaryOnly)) {
                throw new IllegalArgumentException(binaryOnly + " does not apply to --data digits (the bundled"
                        + " digits, 10 classes, predicted by the largest score)");
            }
        }
        String arch = c.arch == null ? "cnn" : c.arch.trim().toLowerCase(Locale.ROOT);
        if (!arch.equals("cnn") && !arch.equals("mlp")) {
            throw new IllegalArgumentException("--arch must be cnn or mlp, got '" + c.arch + "'");
        }
        this.cnn = arch.equals("cnn");
        if (cnn && given.hasMatchedOption("--hidden")) {
            throw new IllegalArgumentException("--hidden sets the widths of --arch mlp; the CNN's layers are fixed ("
                    + DigitsCnn.describe(DigitsCnn.FILTERS1, DigitsCnn.FILTERS2) + ")");
        }
        this.epochs = given.hasMatchedOption("--epochs") ? c.epochs : EPOCHS;
        this.batch = given.hasMatchedOption("--batch") ? c.batch : BATCH;
        this.learningRate = given.hasMatchedOption("--lr") ? c.learningRate : LEARNING_RATE;
        this.testFraction = given.hasMatchedOption("--test-fraction") ? c.testFraction : TEST_FRACTION;
        this.hidden = given.hasMatchedOption("--hidden") ? c.hidden : HIDDEN;
        this.seed = c.seed;
        this.checkEvery = c.checkEvery;
        this.checkEntries = c.checkEntries;
        this.modelFile = c.modelFile;
        this.chartFile = c.chartFile;
        if (epochs < 1 || batch < 1 || checkEvery < 0 || checkEntries < 1) {
            throw new IllegalArgumentException("--epochs and --batch must be ≥ 1, --check-every ≥ 0 and --check-entries"
                    + " ≥ 1, got " + epochs + ", " + batch + ", " + checkEvery + " and " + checkEntries);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("--hidden widths must be at least 1, got " + h);
            }
        }
    }

    /** @return 0, or 1 if a sampled gradient check failed */
    int call() throws IOException {
        Digits digits = Digits.load();
        Digits.Parts parts = digits.split(testFraction, seed);
        Digits train = parts.train();
        Digits test = parts.test();
        out.printf(Locale.ROOT, "Data: %s — %d images 1×8×8, pixels scaled to [0, 1], 10 classes (%s images of"
                + " the digits 0 … 9)%n", digits.source(), digits.size(), join(digits.counts()));
        out.printf(Locale.ROOT, "Split: %d for training, %d for testing, stratified by digit (seed %d)%n", train.size(),
                test.size(), seed);

        GraphModel model = cnn ? DigitsCnn.model(seed) : mlp();
        Map<String, Tensor> trainData = data(train);
        Map<String, Tensor> testData = data(test);
        String layers = cnn ? DigitsCnn.describe(DigitsCnn.FILTERS1, DigitsCnn.FILTERS2)
                : "dense " + join(hidden) + " (ReLU) → dense fc 10 → softmax cross-entropy";
        out.printf(Locale.ROOT, "Model: %s: %s, %d parameters; Adam, learning rate %s, %d epochs, batches of %d%n",
                cnn ? "CNN" : "MLP", layers, model.parameterCount(), learningRate, epochs, batch);

        List<Double> testLoss = new ArrayList<>();
        List<Double> trainAccuracy = new ArrayList<>();
        List<Double> testAccuracy = new ArrayList<>();
        int[] checks = {0};
        boolean[] checkFailed = {false};
        long[] checkNanos = {0};
        ProgressBar bar = new ProgressBar(out, epochs, 30, System.console() != null);
        long t0 = System.nanoTime();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                if (checkEvery > 0 && e.batch() == 0 && e.epoch() % checkEvery == 0) {
                    long c0 = System.nanoTime();
                    CheckReport report = sampledCheck(e.model(), seed + e.step());
                    long c1 = System.nanoTime();
                    checkNanos[0] += c1 - c0;
                    checks[0]++;
                    checkFailed[0] |= !report.passed();
                    bar.println(String.format(Locale.ROOT, "  gradient check, epoch %d (batch of %d, up to %d entries"
                            + " per input): %s in %.1f ms%s", e.epoch(), samples(e.model()), checkEntries,
                            report.passed() ? "PASS" : "FAIL", (c1 - c0) / 1e6,
                            report.passed() ? "" : System.lineSeparator() + report.render()));
                }
            }

            @Override
            public void onEpoch(EpochEvent e) {
                ModelGraph t = model.graph(testData, false);
                testLoss.add(t.lossValue());
                testAccuracy.add(ClassMetrics.of(t.output().value(), test.labels()).accuracy());
                trainAccuracy.add(ClassMetrics.of(model.predict(inputs(trainData)), train.labels()).accuracy());
                bar.update(e.epoch(), String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  test loss %.4f  test accuracy"
                        + " %.4f", e.epoch(), e.epochs(), e.loss(), t.lossValue(), testAccuracy.get(e.epoch() - 1)));
            }
        };
        List<Double> history = Trainer.of(model, new Adam(learningRate)).epochs(epochs).batchSize(batch).seed(seed)
                .listener(listener).fit(trainData);
        long trainNanos = System.nanoTime() - t0;

        Tensor logits = model.predict(inputs(testData));
        ClassMetrics metrics = ClassMetrics.of(logits, test.labels());
        out.printf(Locale.ROOT, "Trained in %.1f s (with the evaluation of both sets after each epoch)",
                trainNanos / 1e9);
        if (checks[0] > 0) {
            out.printf(Locale.ROOT, ", of which %.0f ms (%.1f%%) in %d sampled gradient check%s", checkNanos[0] / 1e6,
                    100.0 * checkNanos[0] / trainNanos, checks[0], checks[0] == 1 ? "" : "s");
        }
        out.println(".");
        out.printf(Locale.ROOT, "test accuracy: %.4f (%d of %d test digits right)%n", metrics.accuracy(),
                metrics.correct(), metrics.samples());
        out.println("Confusion matrix of the test set (rows: true digit, columns: predicted):");
        out.print(metrics.render().indent(2));

        Path modelPath = modelFile != null ? modelFile : Demo.output(cnn ? "digits-cnn-model.txt" : "digits-mlp-model.txt");
        Path parent = modelPath.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ModelFile.save(model, modelPath);
        Path curves = chartFile != null ? chartFile : Demo.output("digits-curves.png");
        Path grid = curves.resolveSibling(stem(curves) + "-misclassified.png");
        Map<String, double[]> losses = new LinkedHashMap<>();
        losses.put("training loss (mean over the epoch's batches)", toArray(history));
        losses.put("test loss (after the epoch)", toArray(testLoss));
        Map<String, double[]> accuracies = new LinkedHashMap<>();
        accuracies.put("training accuracy (after the epoch)", toArray(trainAccuracy));
        accuracies.put("test accuracy (after the epoch)", toArray(testAccuracy));
        Charts.trainingCurves(curves, "Digits " + (cnn ? "CNN" : "MLP") + ": loss and accuracy per epoch",
                "mean cross-entropy", losses, accuracies);
        drawMisclassified(grid, test, logits, metrics);
        out.println("Model saved:  " + modelPath);
        out.println("Curves:       " + curves);
        out.println("Misclassified digits: " + grid);
        return checkFailed[0] ? 1 : 0;
    }

    /** The dense network of the 64 pixels: hidden ReLU layers, then 10 logits. */
    private GraphModel mlp() {
        return GraphModel.builder().seed(seed)
                .input(PIXELS, Digits.SIDE * Digits.SIDE).labels(DigitsCnn.LABELS, 1)
                .forward(m -> {
                    Node h = m.input(PIXELS);
                    for (int i = 0; i < hidden.length; i++) {
                        h = m.dense("fc" + (i + 1), h, hidden[i]).relu();
                    }
                    return m.dense("fc" + (hidden.length + 1), h, Digits.CLASSES);
                })
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
    }

    /** The named data for the chosen model: images for the CNN, 64 pixels × N for the MLP. */
    private Map<String, Tensor> data(Digits d) {
        return cnn ? DigitsCnn.data(d) : Map.of(PIXELS, d.toDataset().features(), DigitsCnn.LABELS, d.labels());
    }

    /** The data without the labels, for {@code predict}. */
    private static Map<String, Tensor> inputs(Map<String, Tensor> data) {
        Map<String, Tensor> in = new LinkedHashMap<>(data);
        in.remove(DigitsCnn.LABELS);
        return in;
    }

    /** A subset check of the batch's graph; the graph is replayed first (the step changed the parameters). */
    private CheckReport sampledCheck(ModelGraph mg, long checkSeed) {
        mg.graph().recompute();
        return GradientChecker.defaults().subset(checkEntries).withSeed(checkSeed).checkGraph(mg.graph(), mg.loss());
    }

    private static int samples(ModelGraph mg) {
        return mg.labels().value().cols();
    }

    /** The misclassified test digits, captioned "true → predicted (probability of the prediction)". */
    private static void drawMisclassified(Path file, Digits test, Tensor logits, ClassMetrics metrics) {
        int[] wrong = metrics.misclassified();
        int[] actual = metrics.actual();
        int[] predicted = metrics.predicted();
        double[] images = test.images().data();
        int pixels = Digits.SIDE * Digits.SIDE;
        List<double[]> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int k = 0; k < Math.min(wrong.length, GRID_MAX); k++) {
            int j = wrong[k];
            cells.add(Arrays.copyOfRange(images, j * pixels, (j + 1) * pixels));
            captions.add(String.format(Locale.ROOT, "%d → %d (%.2f)", actual[j], predicted[j],
                    probability(logits, predicted[j], j)));
        }
        String title = String.format(Locale.ROOT, "Misclassified test digits: %d of %d (true → predicted, its"
                + " probability)%s", wrong.length, metrics.samples(),
                wrong.length > GRID_MAX ? ", the first " + GRID_MAX : "");
        Charts.imageGrid(file, title, cells, Digits.SIDE, captions, 8);
    }

    /** softmax(z)[c] of column j, computed stably: 1 / Σᵢ exp(zᵢ − z_c) with c the column's largest logit. */
    private static double probability(Tensor logits, int c, int j) {
        double s = 0;
        for (int i = 0; i < logits.rows(); i++) {
            s += Math.exp(logits.get(i, j) - logits.get(c, j));
        }
        return 1 / s;
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : v.length > 2 && v.length == Digits.CLASSES ? "/" : ",").append(v[i]);
        }
        return sb.toString();
    }

    /** The file name without its extension: {@code curves} for {@code dir/curves.png}. */
    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
