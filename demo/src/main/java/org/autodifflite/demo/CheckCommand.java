package org.autodifflite.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Builds a multi-layer perceptron of the sizes asked for, optionally plants a bug in one
 * parameter's backward pass, runs the checker over a random batch and prints the report and the
 * time it took.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check every node of an MLP (random batch); optionally plant a bug to see it caught.")
final class CheckCommand implements Callable<Integer> {

    /** How many entries of each input the checker visits. */
    enum Mode {
        /** every entry of every input */
        exhaustive,
        /** a few random directions per input */
        fast,
        /** a random subset of entries per input */
        subset
    }

    @Option(names = "--layers", split = ",", paramLabel = "SIZES",
            description = "Layer widths, input first (default: ${DEFAULT-VALUE}).", defaultValue = "784,128,64,1")
    int[] layers;

    @Option(names = "--batch", description = "Samples in the batch (default: ${DEFAULT-VALUE}).", defaultValue = "32")
    int batch;

    @Option(names = "--mode", description = "exhaustive, fast or subset (default: ${DEFAULT-VALUE}).",
            defaultValue = "subset")
    Mode mode;

    @Option(names = "--directions", description = "Random directions per input in fast mode (default: ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int directions;

    @Option(names = "--entries", description = "Entries per input in subset mode (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int entries;

    @Option(names = "--plant-bug", paramLabel = "PARAM:KIND",
            description = "Plant a bug in a parameter's backward: scale[=FACTOR] (default ×2), sign or transpose,"
                    + " for example fc2.weight:scale or fc1.bias:sign.")
    String plantBug;

    @Option(names = "--seed", description = "Seed of the weights, the batch and the checker (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    long seed;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write the report as one self-contained HTML page: the graph coloured by verdict,"
                    + " the table, heat maps of the error of each failing input.")
    java.nio.file.Path html;

    @Option(names = "--threads", description = "Checker threads; 0 = the checker's default (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int threads;

    /** Above this many parameters, exhaustive mode gets a note that it will take a while. */
    static final int EXHAUSTIVE_WARNING = 20_000;

    private final PrintStream out;

    CheckCommand(PrintStream out) {
        this.out = out;
    }

    /** @return 0 if every gradient checked passed, 1 if the checker found a wrong one */
    @Override
    public Integer call() {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        Map<String, String> bugs = parseBug(plantBug);
        Sequential model = Networks.mlp(layers, bugs, seed);
        int in = layers[0];
        int outWidth = layers[layers.length - 1];
        Tensor x = Tensor.randn(in, batch, seed + 1);
        Well19937c rng = new Well19937c(seed + 2);
        Tensor y = Tensor.zeros(outWidth, batch);
        for (int i = 0; i < y.size(); i++) {
            y.set(i, rng.nextBoolean() ? 1 : 0);
        }
        ModelGraph mg = model.graph(x, y, true);
        GradientChecker checker = GradientChecker.defaults().withSeed(seed);
        checker = switch (mode) {
            case exhaustive -> checker.exhaustive();
            case fast -> checker.fast(directions);
            case subset -> checker.subset(entries);
        };
        if (threads > 0) {
            checker = checker.withThreads(threads);
        }
        out.println("Network: " + model + ", " + model.parameterCount() + " parameters; batch "
                + x.shape() + "; mode " + mode + modeDetail());
        if (!bugs.isEmpty()) {
            out.println("Planted bug: " + plantBug);
        }
        if (mode == Mode.exhaustive && model.parameterCount() > EXHAUSTIVE_WARNING) {
            out.println("Note: exhaustive mode perturbs each of the " + model.parameterCount()
                    + " parameters (and every other input entry) on its own; on a network this size that"
                    + " takes long. --mode subset or --mode fast answer in seconds.");
        }
        long t0 = System.nanoTime();
        CheckReport report = checker.checkGraph(mg.graph(), mg.loss());
        long nanos = System.nanoTime() - t0;
        out.print(report.render());
        out.printf(java.util.Locale.ROOT, "Checked in %.1f ms.%n", nanos / 1e6);
        if (html != null) {
            Report.writeHtml(report, html);
            out.println("HTML report: " + html);
        }
        return report.passed() ? 0 : 1;
    }

    private String modeDetail() {
        return switch (mode) {
            case exhaustive -> " (every entry)";
            case fast -> " (" + directions + " random directions per input)";
            case subset -> " (up to " + entries + " entries per input)";
        };
    }

    /** Parses {@code fc2.weight:scale=4} into {@code {fc2.weight → scale=4}}. */
    static Map<String, String> parseBug(String spec) {
        if (spec == null || spec.isBlank()) {
            return Map.of();
        }
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("--plant-bug '" + spec + "': write PARAMETER:KIND, for example"
                    + " fc2.weight:scale, fc2.weight:scale=4, fc1.bias:sign or fc1.weight:transpose");
        }
        String kind = spec.substring(colon + 1);
        PlantedBug.Kind.parse(kind.split("=", 2)[0]); // fail early, naming the choices
        return Map.of(spec.substring(0, colon), kind);
    }
}
