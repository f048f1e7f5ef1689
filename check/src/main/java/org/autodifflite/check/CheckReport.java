package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a gradient check: one {@link InputResult} per checked input of every node (and,
 * end to end, per parameter), with what was covered and how. It renders as a text table
 * ({@link #render()}), as JSON ({@link #toJson()}) and as one line ({@link #summary()}).
 *
 * <p>A report is immutable, and for the same graph, options and seed it is identical bit for bit
 * whatever the number of threads.
 */
public final class CheckReport {

    private final Settings settings;
    private final List<InputResult> results;
    private final boolean hasEndToEnd;
    private final double endToEndDifference;

    CheckReport(Settings settings, List<InputResult> results, boolean hasEndToEnd) {
        this.settings = settings;
        this.results = List.copyOf(results);
        this.hasEndToEnd = hasEndToEnd;
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
     * @return whether every input passed (or was skipped at a kink) and, in seed mode, the
     *     end-to-end difference is within the threshold
     */
    public boolean passed() {
        if (!failures().isEmpty()) {
            return false;
        }
        if (hasEndToEnd && settings.seedMode()) {
            return endToEndDifference <= settings.tolerance();
        }
        return !hasEndToEnd || !Double.isNaN(endToEndDifference);
    }

    /** @return the inputs that did not pass ({@code FAIL}, {@code NON_FINITE}, {@code CONTRACT}), in report order */
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
     * @return the notebook's figure over all parameters end to end,
     *     {@code ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)}; NaN if the report has no
     *     end-to-end check (or something was not finite)
     */
    public double endToEndDifference() {
        return endToEndDifference;
    }

    /** @return {@code "seed"} or {@code "default"} */
    public String mode() {
        return settings.modeText();
    }

    /** @return what each input's check covered (exhaustive, fast with k directions, subset of N) */
    public String coverage() {
        return settings.coverageText();
    }

    /** @return the seed of every random choice in the check */
    public long seed() {
        return settings.seed();
    }

    /** @return whether the report includes an end-to-end check */
    public boolean hasEndToEnd() {
        return hasEndToEnd;
    }

    Settings settings() {
        return settings;
    }

    /**
     * @return a text table: node, op, input, entries checked/total, relative difference, max
     *     absolute error, verdict and diagnosis, under a header stating mode, coverage, step,
     *     tolerance and seed
     */
    public String render() {
        return ReportFormat.render(this);
    }

    /** @return the report as a JSON object (non-finite numbers as the strings "NaN", "Infinity") */
    public String toJson() {
        return ReportFormat.json(this);
    }

    /** @return one line: passed or failed, how many inputs failed and where, the coverage */
    public String summary() {
        return ReportFormat.summary(this);
    }

    @Override
    public String toString() {
        return summary();
    }
}
