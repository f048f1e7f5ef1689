package org.autodifflite.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.CsvTable;
import org.autodifflite.layers.io.AtomicFile;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.io.SavedModel;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scores the rows of a CSV file with a saved model: the model file says the architecture, the
 * scaler and the feature columns, so nothing else is needed. Writes one probability per row
 * (or, with {@code --raw}, the model's raw outputs), atomically: on any error nothing is written
 * to {@code --out}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Score a CSV with a saved model (train saves one): one probability per row, written to --out.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "A model file written by train (or ModelFile.save): architecture, scaler, column names.")
    Path modelFile;

    @Option(names = "--csv", required = true, paramLabel = "FILE",
            description = "The rows to score: a header naming the model's feature columns (any order; the label column"
                    + " may be there and is ignored), then numbers.")
    Path csv;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write the scores: a header, then one line per row of --csv, in order. Written"
                    + " whole or not at all.")
    Path out;

    @Option(names = "--raw", description = "Write the model's raw outputs instead of probabilities (logits for a model"
            + " trained with SigmoidBinaryCrossEntropy, values for MeanSquaredError).")
    boolean raw;

    private final PrintStream stdout;

    PredictCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** @return 0 */
    @Override
    public Integer call() throws IOException {
        Path model = absolute(modelFile);
        Path data = absolute(csv);
        Path target = absolute(out);
        // The scores must never replace what they are computed from.
        for (Path input : new Path[] {model, data}) {
            if (target.equals(input) || Files.exists(target) && Files.isSameFile(target, input)) {
                throw new IllegalArgumentException("--out " + target + " is the " + (input == model ? "--model" : "--csv")
                        + " file; writing the scores there would destroy it. Choose another --out");
            }
        }
        if (!Files.exists(model)) {
            throw new IllegalArgumentException("model file " + model + " does not exist" + resolvedNote(modelFile)
                    + "; train saves one: train --csv FILE --label COLUMN --model FILE");
        }
        SavedModel saved = ModelFile.load(model);
        CsvTable table = CsvTable.read(csv);
        Sequential seq = (Sequential) saved.model(); // ModelFile.load(path) builds Sequentials only
        if (!raw) {
            requireProbabilities(seq);
        }
        Tensor scores = raw ? saved.predict(table) : saved.predictProbabilities(table);

        String column = raw ? "output" : "probability";
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < scores.rows(); k++) {
            text.append(k == 0 ? "" : ",").append(scores.rows() == 1 ? column : column + "_" + k);
        }
        text.append('\n');
        for (int j = 0; j < scores.cols(); j++) {
            for (int k = 0; k < scores.rows(); k++) {
                // Double.toString reads back to the same bits: the file holds exactly what the API computes.
                text.append(k == 0 ? "" : ",").append(Double.toString(scores.get(k, j)));
            }
            text.append('\n');
        }
        // Everything is computed before the first byte is written: an error above leaves no file.
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFile.write(target, text);

        String label = saved.labelName().orElse("label");
        stdout.println("Model: " + model + " — " + seq + "; label '" + label + "'; "
                + (saved.scaler().isPresent() ? "features standardized with the saved scaler" : "no scaler saved"));
        stdout.println("Data:  " + table.source() + " — " + table.size() + " rows, columns " + table.columnNames()
                + (saved.labelName().isPresent() && table.columnNames().contains(label)
                        ? " (the label column '" + label + "' is ignored)" : ""));
        stdout.println("Scores: " + meaning(seq, label));
        if (scores.rows() == 1) {
            double[] sorted = scores.data().clone();
            Arrays.sort(sorted);
            stdout.printf(Locale.ROOT, "  min %.4g   median %.4g   max %.4g", sorted[0], sorted[sorted.length / 2],
                    sorted[sorted.length - 1]);
            if (!raw) {
                long high = Arrays.stream(sorted).filter(p -> p >= 0.5).count();
                stdout.printf(Locale.ROOT, "   %d of %d at ≥ 0.5", high, sorted.length);
            }
            stdout.println();
        }
        stdout.println("Written: " + target + " (header '" + text.substring(0, text.indexOf("\n"))
                + "', then one line per row of the CSV, in order)");
        return 0;
    }

    /** Refuses a model whose outputs are not probabilities before any row is read, naming --raw. */
    private static void requireProbabilities(Sequential seq) {
        Op loss = seq.loss();
        if (!(loss instanceof SigmoidBinaryCrossEntropy || loss instanceof BinaryCrossEntropy
                || loss instanceof SoftmaxCrossEntropy)) {
            throw new IllegalArgumentException("the model was trained with " + loss.name() + ", so it predicts values,"
                    + " not probabilities; add --raw to write its outputs as they are");
        }
    }

    /** What the written numbers are, for the summary. */
    private String meaning(Sequential seq, String label) {
        Op loss = seq.loss();
        if (raw) {
            return "the model's raw outputs"
                    + (loss instanceof SigmoidBinaryCrossEntropy || loss instanceof SoftmaxCrossEntropy
                            ? " (logits: " + loss.name() + " applies the " + (loss instanceof SoftmaxCrossEntropy
                                    ? "softmax" : "sigmoid") + " itself)" : "");
        }
        if (loss instanceof SigmoidBinaryCrossEntropy) {
            return "probabilities that " + label + " = 1 (the sigmoid of the model's logits)";
        }
        if (loss instanceof SoftmaxCrossEntropy) {
            return "the probability of each class (the softmax of the model's logits), one column per class";
        }
        return "probabilities that " + label + " = 1 (the model's outputs: it ends in a sigmoid)";
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static String resolvedNote(Path given) {
        return given.isAbsolute() ? "" : " (the path " + given + " was resolved against the working directory "
                + Path.of("").toAbsolutePath() + ")";
    }
}
