package org.autodifflite.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Node;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The step sweep: for every input of every node of the seed network, the notebook's relative
 * difference between analytic and plain central-difference gradients as the step ε goes from
 * 1e-1 down to 1e-10. A correct gradient draws a V — truncation error on the left, roundoff on
 * the right; a wrong one stays flat, at the size of its mistake, whatever the step.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Relative difference against the step ε for every node input (log-log chart and CSV).")
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--from", description = "Largest step (default: ${DEFAULT-VALUE}).", defaultValue = "1e-1")
    double from;

    @Option(names = "--to", description = "Smallest step (default: ${DEFAULT-VALUE}).", defaultValue = "1e-10")
    double to;

    @Option(names = "--per-decade", description = "Steps per factor of ten (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int perDecade;

    @Option(names = "--fixed", description = "Sweep the correct network instead of the one with the notebook's bugs.")
    boolean fixed;

    @Option(names = "--chart", description = "PNG to write (default: sweep.png in the output directory).")
    Path chart;

    @Option(names = "--csv", description = "CSV to write (default: sweep.csv in the output directory).")
    Path csv;

    private final PrintStream out;

    SweepCommand(PrintStream out) {
        this.out = out;
    }

    /** @return 0 */
    @Override
    public Integer call() {
        double[] steps = steps(from, to, perDecade);
        Path chartFile = chart != null ? chart : Demo.output("sweep.png");
        Path csvFile = csv != null ? csv : Demo.output("sweep.csv");
        SeedCase seed = SeedCase.load();
        Sequential model = Networks.seed(seed, fixed ? Map.of() : Networks.SEED_BUGS, 1, 0);
        ModelGraph mg = model.graph(seed.x(), seed.y(), true);
        out.println("Sweeping the step ε over " + steps.length + " values from " + Numbers.sci(steps[0]) + " to "
                + Numbers.sci(steps[steps.length - 1]) + " on the seed network"
                + (fixed ? " (correct backward)" : " with the notebook's bugs (fc2 W ×2, fc1 b ×4)")
                + "; plain central differences, every entry of every node input.");
        Map<String, double[]> nodes = new LinkedHashMap<>();
        Map<String, double[]> endToEnd = new LinkedHashMap<>();
        for (int s = 0; s < steps.length; s++) {
            CheckReport report = GradientChecker.defaults().seedMode().withStep(steps[s])
                    .checkGraph(mg.graph(), mg.loss());
            for (InputResult r : report.results()) {
                Map<String, double[]> target = r.endToEnd() ? endToEnd : nodes;
                String name = r.endToEnd() ? "end to end " + r.inputName() : label(mg, r);
                target.computeIfAbsent(name, k -> nanArray(steps.length))[s] = r.relativeDifference();
            }
        }
        Map<String, double[]> all = new LinkedHashMap<>(nodes);
        all.putAll(endToEnd);
        writeCsv(csvFile, steps, all);
        Map<String, Map<String, double[]>> panels = new LinkedHashMap<>();
        panels.put("each node alone", nodes);
        panels.put("end to end (graph replayed)", endToEnd);
        Charts.sweep(chartFile, "Relative difference against the step ε — seed network"
                + (fixed ? "" : " with the notebook's bugs"), steps, panels, SweepCommand::parameterOf);
        out.println();
        out.printf(Locale.ROOT, "%-26s %10s  %-20s %10s%n", "node input", "at ε=1e-1", "best (at ε)", "at ε=1e-10");
        for (Map.Entry<String, double[]> e : all.entrySet()) {
            double[] v = e.getValue();
            int best = 0;
            for (int i = 1; i < v.length; i++) {
                if (v[i] < v[best] || Double.isNaN(v[best])) {
                    best = i;
                }
            }
            out.printf(Locale.ROOT, "%-26s %10s  %-20s %10s%n", e.getKey(), Numbers.sci(v[0]),
                    Numbers.sci(v[best]) + " (" + Numbers.sci(steps[best]) + ")", Numbers.sci(v[v.length - 1]));
        }
        out.println();
        out.println("Chart: " + chartFile);
        out.println("CSV:   " + csvFile);
        return 0;
    }

    /** @return for example {@code fc2 W (fc2.weight)} or {@code relu1 Z} */
    private static String label(ModelGraph mg, InputResult r) {
        Node input = mg.graph().node(r.node()).inputs().get(r.inputIndex());
        String name = r.node() + " " + r.inputName();
        return input.isLeaf() ? name + " (" + input.label() + ")" : name;
    }

    /** @return the parameter a line is about ({@code fc1.weight}), so both panels colour it alike */
    private static String parameterOf(String line) {
        if (line.startsWith("end to end ")) {
            return line.substring("end to end ".length());
        }
        int open = line.indexOf('(');
        return open >= 0 ? line.substring(open + 1, line.length() - 1) : line;
    }

    /**
     * The steps, geometrically spaced.
     *
     * @param from the largest step
     * @param to the smallest step
     * @param perDecade points per factor of ten
     * @return the steps, largest first
     * @throws IllegalArgumentException if the range or density is not sensible
     */
    static double[] steps(double from, double to, int perDecade) {
        if (!(from > 0 && to > 0 && from > to && from <= 1 && to >= 1e-16) || perDecade < 1 || perDecade > 20) {
            throw new IllegalArgumentException("sweep needs 1 ≥ --from > --to ≥ 1e-16 and 1 ≤ --per-decade ≤ 20, got --from "
                    + from + " --to " + to + " --per-decade " + perDecade);
        }
        double decades = Math.log10(from / to);
        int n = (int) Math.round(decades * perDecade) + 1;
        double[] steps = new double[n];
        for (int i = 0; i < n; i++) {
            // Rounded to 3 significant digits so the CSV reads 3.16e-02, not 0.031622776601683784.
            double v = from * Math.pow(10, -(double) i / perDecade);
            steps[i] = Double.parseDouble(String.format(Locale.ROOT, "%.2e", v));
        }
        return steps;
    }

    private static double[] nanArray(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, Double.NaN);
        return v;
    }

    private static void writeCsv(Path file, double[] steps, Map<String, double[]> series) {
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("epsilon");
        for (String name : series.keySet()) {
            header.append(",\"").append(name).append('"');
        }
        lines.add(header.toString());
        for (int i = 0; i < steps.length; i++) {
            StringBuilder row = new StringBuilder(Numbers.python(steps[i]));
            for (double[] v : series.values()) {
                row.append(',').append(Numbers.python(v[i]));
            }
            lines.add(row.toString());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
