package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The outcome of a gradient check: one {@link InputResult} per checked input of every node (and,
 * end to end, per parameter), with what was covered and how. It renders as a text table
 * ({@link #render()}), as JSON ({@link #toJson()}), as one line ({@link #summary()}) and as a
 * self-contained HTML page with the graph drawn ({@link #toHtml()}).
 *
 * <p>Coverage is stated honestly: entries verified, skipped at kinks and not checked are counted
 * apart ({@link #entriesVerified()}, {@link #entriesSkipped()}, {@link #entriesNotChecked()}).
 * An input with more than {@link InputResult#WEAK_SKIP_SHARE} of its checked entries skipped at
 * kinks is {@link #weakInputs() weak}; with {@link GradientChecker#minimumCoverage(double)}, an
 * input that verified less than the minimum share fails the check ({@link #coverageShortfalls()}).
 *
 * <p>A report is immutable, and for the same graph, options and seed it is identical bit for bit
 * whatever the number of threads.
 */
public final class CheckReport {

    /** What was checked. */
    enum Kind {
        /** one op alone ({@code checkOp}) */
        OP,
        /** every node, then end to end ({@code checkGraph}) */
        GRAPH,
        /** end to end only ({@code checkEndToEnd}) */
        END_TO_END,
        /** a fused op against its composition ({@code checkAgainst}) */
        REFERENCE
    }

    private final Settings settings;
    private final List<InputResult> results;
    private final boolean hasEndToEnd;
    private final double endToEndDifference;
    private final Kind kind;
    private Supplier<List<ReportNode>> nodeSource;
    private List<ReportNode> nodes;

    CheckReport(Settings settings, List<InputResult> results, boolean hasEndToEnd) {
        this(settings, results, hasEndToEnd ? Kind.END_TO_END : Kind.OP, List.of());
    }

    CheckReport(Settings settings, List<InputResult> results, Kind kind, List<ReportNode> nodes) {
        this(settings, results, kind, fixed(nodes));
    }

    private static Supplier<List<ReportNode>> fixed(List<ReportNode> nodes) {
        List<ReportNode> copy = List.copyOf(nodes);
        return () -> copy;
    }

    /**
     * @param nodes makes the nodes when they are first asked for: a report is usually read for
     *     its verdict only, and on a small net writing out every node's shape cost more than
     *     checking a parameter
     */
    CheckReport(Settings settings, List<InputResult> results, Kind kind, Supplier<List<ReportNode>> nodes) {
        this.settings = settings;
        this.results = List.copyOf(results);
        this.kind = kind;
        this.hasEndToEnd = kind == Kind.GRAPH || kind == Kind.END_TO_END;
        this.nodeSource = Objects.requireNonNull(nodes, "nodes");
        double d2 = 0;
        double a2 = 0;
        double n2 = 0;
        for (InputResult r : this.results) {
            if (r.endToEnd() && r.verdict() == Verdict.NON_FINITE) {
                d2 = Double.NaN; // not a number to compare with the threshold, never 0
            }
            if (r.endToEnd()) {
                d2 += r.diff2;
                a2 += r.analytic2;
                n2 += r.numeric2;
            }
        }
        double denom = Math.sqrt(a2) + Math.sqrt(n2);
        this.endToEndDifference = !hasEndToEnd ? Double.NaN
                : denom == 0 ? (Double.isNaN(d2) ? Double.NaN : 0) : Math.sqrt(d2) / denom;
    }

    /**
     * @return whether every input passed (or was skipped at a kink), none verified less than the
     *     {@link GradientChecker#minimumCoverage(double) minimum coverage}, and, in seed mode, the
     *     end-to-end difference is within the threshold
     */
    public boolean passed() {
        if (!failures().isEmpty() || !coverageShortfalls().isEmpty()) {
            return false;
        }
        if (hasEndToEnd && settings.seedMode()) {
            return endToEndDifference <= settings.tolerance();
        }
        return !hasEndToEnd || !Double.isNaN(endToEndDifference);
    }

    /**
     * @return the inputs that did not pass ({@code FAIL}, {@code NON_FINITE}, {@code CONTRACT},
     *     {@code FORWARD_DIFFERS}), in report order
     */
    public List<InputResult> failures() {
        List<InputResult> out = new ArrayList<>();
        for (InputResult r : results) {
            if (!r.verdict().isPassing()) {
                out.add(r);
            }
        }
        return out;
    }

    /** @return every result: the nodes in graph order, each node's inputs in order, then end to end */
    public List<InputResult> results() {
        return results;
    }

    /**
     * @return the nodes of the graph checked, in topological order, for drawing it (for
     *     {@code checkOp}, the op's inputs and the op)
     */
    public synchronized List<ReportNode> nodes() {
        if (nodes == null) {
            nodes = List.copyOf(nodeSource.get());
            nodeSource = null;
        }
        return nodes;
    }

    /**
     * @return the notebook's figure over all parameters end to end,
     *     {@code ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)}; NaN if the report has no
     *     end-to-end check (or something was not finite)
     */
    public double endToEndDifference() {
        return endToEndDifference;
    }

    /** @return {@code "seed"} or {@code "default"} ({@code "reference"} for a reference check) */
    public String mode() {
        return kind == Kind.REFERENCE ? "reference" : settings.modeText();
    }

    /** @return what each input's check covered (exhaustive, fast with k directions, subset of N) */
    public String coverage() {
        return kind == Kind.REFERENCE ? "every entry" : settings.coverageText();
    }

    /** @return the seed of every random choice in the check */
    public long seed() {
        return settings.seed();
    }

    /** @return whether the report includes an end-to-end check */
    public boolean hasEndToEnd() {
        return hasEndToEnd;
    }

    /** @return the entries compared one by one and decided, over all results */
    public long entriesVerified() {
        long n = 0;
        for (InputResult r : results) {
            n += r.entriesVerified();
        }
        return n;
    }

    /** @return the entries compared but skipped at a kink (not decided), over all results */
    public long entriesSkipped() {
        long n = 0;
        for (InputResult r : results) {
            n += r.entriesSkipped();
        }
        return n;
    }

    /** @return the entries not compared one by one (subset and fast modes), over all results */
    public long entriesNotChecked() {
        long n = 0;
        for (InputResult r : results) {
            n += r.entriesNotChecked();
        }
        return n;
    }

    /**
     * @return the inputs with more than {@link InputResult#WEAK_SKIP_SHARE} of their checked
     *     entries skipped at kinks, most skipped first: their verdicts rest on too few entries
     */
    public List<InputResult> weakInputs() {
        List<InputResult> out = new ArrayList<>();
        for (InputResult r : results) {
            if (r.weak()) {
                out.add(r);
            }
        }
        out.sort((a, b) -> Double.compare(a.verifiedShare(), b.verifiedShare()));
        return out;
    }

    /**
     * @return the inputs that verified less than the {@link GradientChecker#minimumCoverage(double)
     *     minimum coverage} of their checked entries, least first; empty when no minimum is set
     */
    public List<InputResult> coverageShortfalls() {
        List<InputResult> out = new ArrayList<>();
        double min = settings.minimumCoverage();
        if (min <= 0) {
            return out;
        }
        for (InputResult r : results) {
            if (r.verifiedShare() < min) {
                out.add(r);
            }
        }
        out.sort((a, b) -> Double.compare(a.verifiedShare(), b.verifiedShare()));
        return out;
    }

    /**
     * @param label a node's label
     * @return the verdict the report gives that node: for an op node the worst verdict of its
     *     inputs, for a parameter its end-to-end verdict; null when the report has no result for
     *     it (data, or an op whose inputs are not differentiable)
     */
    public Verdict nodeVerdict(String label) {
        Verdict worst = null;
        for (InputResult r : results) {
            boolean mine = kind == Kind.REFERENCE ? r.node().equals(label)
                    : r.endToEnd() ? label.equals(r.inputName()) : r.node().equals(label);
            if (mine && (worst == null || rank(r.verdict()) > rank(worst))) {
                worst = r.verdict();
            }
        }
        return worst;
    }

    private static int rank(Verdict v) {
        switch (v) {
            case PASS:
                return 0;
            case SKIPPED:
                return 1;
            case FAIL:
                return 2;
            case FORWARD_DIFFERS:
                return 3;
            case CONTRACT:
                return 4;
            default:
                return 5;
        }
    }

    Settings settings() {
        return settings;
    }

    Kind kind() {
        return kind;
    }

    /**
     * @return a text table that fits in about 120 columns: the summary and the settings, one row
     *     per input (node, op, input, shape, entries verified of all and those skipped at kinks,
     *     relative difference, max absolute error, verdict), then below the table what went wrong
     *     for each failing input with its worst entries, notes on skipped entries, and a word on
     *     coverage when it is weak
     */
    public String render() {
        return ReportFormat.render(this);
    }

    /** @return the report as a JSON object (non-finite numbers as the strings "NaN", "Infinity") */
    public String toJson() {
        return ReportFormat.json(this);
    }

    /**
     * @return one self-contained HTML page (no network access: its script and styles are inlined):
     *     the graph drawn with each node coloured by its verdict, the table, for each failing input
     *     a heat map of the error per entry (downsampled for large inputs, and said so) and its
     *     worst entries, and the settings
     */
    public String toHtml() {
        return ReportHtml.render(this);
    }

    /**
     * @return one line: passed or failed, how many inputs failed and where, the entries verified,
     *     skipped at kinks and not checked, the mode
     */
    public String summary() {
        return ReportFormat.summary(this);
    }

    @Override
    public String toString() {
        return summary();
    }
}
