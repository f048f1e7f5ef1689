package org.autodifflite.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Dataset;
import org.autodifflite.layers.data.Split;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.io.SavedModel;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.BinaryMetrics;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the fraud network — on the embedded synthetic payments, or on the user's CSV — with Adam,
 * a progress bar and a sampled gradient check every few epochs, then reports precision, recall,
 * F1 and ROC-AUC on held-out data, saves the model (self-describing: architecture, values, the
 * scaler and the column names, for {@code predict}) and draws the loss curve.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the fraud network (synthetic payments, or --csv FILE --label COLUMN),"
                + " or a digit classifier (--data digits [--arch cnn|mlp]).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "SET", description = "payments (synthetic, the default) or digits (the"
            + " bundled 8×8 handwritten digits, 10 classes; see DigitsTraining for its defaults).")
    String data;

    @Option(names = "--arch", description = "With --data digits: cnn (the default) or mlp.")
    String arch;

    @Spec
    CommandSpec spec;

    @Option(names = "--csv", paramLabel = "FILE", description = "Train on this CSV (header line, numbers, 0/1 label column).")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN", description = "The CSV's label column (with --csv).")
    String label;

    @Option(names = "--samples", description = "Synthetic payments to generate (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int samples;

    @Option(names = "--fraud-rate", description = "Share of synthetic payments that are fraud (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.03")
    double fraudRate;

    @Option(names = "--hidden", split = ",", paramLabel = "SIZES",
            description = "Hidden layer widths (default: ${DEFAULT-VALUE}).", defaultValue = "16,8")
    int[] hidden;

    @Option(names = "--epochs", description = "Passes over the training set (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int epochs;

    @Option(names = "--batch", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int batch;

    @Option(names = "--lr", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "0.003")
    double learningRate;

    @Option(names = "--check-every", paramLabel = "EPOCHS",
            description = "Run a sampled gradient check on a training batch every this many epochs; 0 = never"
                    + " (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int checkEvery;

    @Option(names = "--check-entries", description = "Entries per input the sampled check visits (default: ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int checkEntries;

    @Option(names = "--test-fraction", description = "Share held out for testing (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.25")
    double testFraction;

    @Option(names = "--threshold", description = "Score at or above which a sample is predicted 1 (a payment flagged as fraud)"
            + " (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.5")
    double threshold;

    @Option(names = "--seed", description = "Seed of the data, the split, the weights and the batches (default: ${DEFAULT-VALUE}).",
            defaultValue = "42")
    long seed;

    @Option(names = "--model", paramLabel = "FILE", description = "Where to save the model (default: fraud-model.txt,"
            + " or NAME-model.txt for --csv NAME.csv, in the output directory).")
    Path modelFile;

    @Option(names = "--chart", paramLabel = "PNG", description = "Where to draw the loss curve (default: loss.png in the output directory).")
    Path chartFile;

    private final PrintStream out;

    TrainCommand(PrintStream out) {
        this.out = out;
    }

    /** @return 0, or 1 if a sampled gradient check failed */
    @Override
    public Integer call() throws IOException {
        if (data != null && data.trim().equalsIgnoreCase("digits")) {
            return new DigitsTraining(out, this, spec.commandLine().getParseResult()).call();
        }
        if ((data != null && !data.trim().equalsIgnoreCase("payments")) || arch != null) {
            throw new IllegalArgumentException(arch != null ? "--arch applies to --data digits only"
                    : "--data must be payments or digits, got '" + data + "'");
        }
        validate();
        boolean own = csv != null;
        Dataset data = own ? Dataset.readCsv(csv, label) : PaymentsData.generate(samples, fraudRate, seed);
        String labelNote = own ? " (column '" + label + "')" : "";
        if (data.positives() == 0 || data.positives() == data.size()) {
            throw new IllegalArgumentException(data.source() + ": all " + data.size() + " labels are "
                    + (data.positives() == 0 ? "0" : "1") + labelNote + "; a classifier needs samples of both classes");
        }
        Split parts = data.split(testFraction, seed);
        if (parts.test().positives() == 0 || parts.test().positives() == parts.test().size()) {
            throw new IllegalArgumentException(data.source() + ": the test set of " + parts.test().size()
                    + " samples holds only one class (" + data.positives() + " labels of 1" + labelNote
                    + " in all); use more data or a larger --test-fraction");
        }
        Standardizer scaler = Standardizer.fit(parts.train());
        Dataset train = scaler.transform(parts.train());
        Dataset test = scaler.transform(parts.test());
        out.printf(Locale.ROOT, "Data: %s — %d samples, %d features %s, %.2f%% positive%n", data.source(), data.size(),
                data.featureNames().size(), data.featureNames(), 100 * data.positiveRate());
        out.printf(Locale.ROOT, "Split: %d for training (%d positive), %d for testing (%d positive); features"
                + " standardized with the training set's mean and deviation%n",
                train.size(), train.positives(), test.size(), test.positives());

        Sequential.Builder b = Sequential.builder(train.features().rows()).seed(seed);
        for (int i = 0; i < hidden.length; i++) {
            b.dense("fc" + (i + 1), hidden[i]).relu();
        }
        Sequential model = b.dense("fc" + (hidden.length + 1), 1, Initializer.xavier())
                .loss(new SigmoidBinaryCrossEntropy()).build();
        out.println("Model: " + model + ", " + model.parameterCount() + " parameters; Adam, learning rate "
                + learningRate + ", " + epochs + " epochs, batches of " + batch);

        List<Double> testLoss = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        boolean[] checkFailed = {false};
        long[] checkNanos = {0};
        ProgressBar bar = new ProgressBar(out, epochs, 30, System.console() != null);
        long t0 = System.nanoTime();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                if (checkEvery > 0 && e.batch() == 0 && e.epoch() % checkEvery == 0) {
                    long c0 = System.nanoTime();
                    String line = sampledCheck(e);
                    checkNanos[0] += System.nanoTime() - c0;
                    checkFailed[0] |= line.contains("FAIL");
                    checks.add(line);
                    bar.println(line);
                }
            }

            @Override
            public void onEpoch(EpochEvent e) {
                double tl = model.graph(test.features(), test.labels(), false).lossValue();
                testLoss.add(tl);
                bar.update(e.epoch(), String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  test loss %.4f",
                        e.epoch(), e.epochs(), e.loss(), tl));
            }
        };
        List<Double> history = Trainer.of(model, new Adam(learningRate)).epochs(epochs).batchSize(batch)
                .seed(seed).listener(listener).fit(train.features(), train.labels());
        long trainNanos = System.nanoTime() - t0;

        // The model ends in logits (its loss applies the sigmoid): the metrics take probabilities.
        Tensor scores = model.predictProbabilities(test.features());
        BinaryMetrics m = BinaryMetrics.at(scores, test.labels(), threshold);
        double auc = BinaryMetrics.rocAuc(scores, test.labels());
        out.printf(Locale.ROOT, "Trained in %.1f s", trainNanos / 1e9);
        if (!checks.isEmpty()) {
            out.printf(Locale.ROOT, ", of which %.0f ms (%.1f%%) in %d sampled gradient check%s",
                    checkNanos[0] / 1e6, 100.0 * checkNanos[0] / trainNanos, checks.size(),
                    checks.size() == 1 ? "" : "s");
        }
        out.println(".");
        if (own) {
            out.printf(Locale.ROOT, "Test set (%d samples, %d labelled 1), predicted 1 at score ≥ %s:%n", test.size(),
                    test.positives(), threshold);
        } else {
            out.printf(Locale.ROOT, "Test set (%d payments, %d fraud), flagged at score ≥ %s:%n", test.size(),
                    test.positives(), threshold);
        }
        out.printf(Locale.ROOT, "  precision %.3f   recall %.3f   F1 %.3f   ROC-AUC %.4f%n",
                m.precision(), m.recall(), m.f1(), auc);
        out.printf(Locale.ROOT, "  (%d true positives, %d false positives, %d %s, %d true negatives)%n",
                m.truePositives(), m.falsePositives(), m.falseNegatives(), own ? "false negatives" : "missed fraud",
                m.trueNegatives());

        Path modelPath = modelFile != null ? modelFile : Demo.output(own ? stem(csv) + "-model.txt" : "fraud-model.txt");
        Path parent = modelPath.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // The file carries everything predict needs: architecture, values, scaler, column names.
        ModelFile.save(SavedModel.of(model).withScaler(scaler).withFeatureNames(train.featureNames())
                .withLabelName(own ? label : PaymentsData.LABEL), modelPath);
        Path chartPath = chartFile != null ? chartFile : Demo.output("loss.png");
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("training (mean over the epoch's batches)", toArray(history));
        curves.put("test (after the epoch)", toArray(testLoss));
        Charts.lossCurve(chartPath, (own ? "Loss per epoch — " : "Fraud model: loss per epoch — ") + data.source(),
                curves);
        out.println("Model saved:  " + modelPath + " (with its scaler and column names; score new rows with"
                + " predict --model FILE --csv FILE --out FILE)");
        out.println("Loss curve:   " + chartPath);
        return checkFailed[0] ? 1 : 0;
    }

    /** A subset check of the batch's graph, timed; the graph is replayed first (see StepEvent). */
    private String sampledCheck(TrainingListener.StepEvent e) {
        ModelGraph mg = e.model();
        long t0 = System.nanoTime();
        mg.graph().recompute();
        CheckReport report = GradientChecker.defaults().subset(checkEntries).withSeed(seed + e.step())
                .checkGraph(mg.graph(), mg.loss());
        double ms = (System.nanoTime() - t0) / 1e6;
        return String.format(Locale.ROOT, "  gradient check, epoch %d (batch of %d, up to %d entries per input): %s in %.1f ms%s",
                e.epoch(), mg.input().value().cols(), checkEntries, report.passed() ? "PASS" : "FAIL", ms,
                report.passed() ? "" : System.lineSeparator() + report.render());
    }

    private void validate() {
        if ((csv == null) != (label == null)) {
            throw new IllegalArgumentException("--csv and --label go together: --csv FILE --label COLUMN");
        }
        if (hidden.length == 0) {
            throw new IllegalArgumentException("--hidden needs at least one width, for example 16,8");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("--hidden widths must be at least 1, got " + h);
            }
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            // Checked before training: the metrics take probabilities, and so does the threshold.
            throw new IllegalArgumentException("--threshold is a probability and must be within [0, 1] (0.5 flags the"
                    + " more likely class), got " + threshold);
        }
        if (checkEvery < 0 || checkEntries < 1) {
            throw new IllegalArgumentException("--check-every must be ≥ 0 and --check-entries ≥ 1, got "
                    + checkEvery + " and " + checkEntries);
        }
    }

    /** The file name without its extension: {@code data} for {@code dir/data.csv}. */
    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
