package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link CheckReport} as a text table that fits in {@link #WIDTH} columns, as JSON and
 * as one line. The table holds one short row per input; what went wrong, the worst entries,
 * notes on kinks and coverage go in lines below it.
 */
final class ReportFormat {

    /** The width the rendered report keeps to (the summary may wrap, the rows do not exceed it). */
    static final int WIDTH = 120;
    /** How many inputs a summary names before "and N more". */
    static final int NAMED = 8;

    private ReportFormat() {
    }

    static String summary(CheckReport r) {
        StringBuilder sb = new StringBuilder();
        boolean reference = r.kind() == CheckReport.Kind.REFERENCE;
        sb.append(reference ? "reference check " : "gradient check ").append(r.passed() ? "PASSED" : "FAILED");
        List<InputResult> failures = r.failures();
        sb.append(": ").append(failures.size()).append(" failing of ").append(r.results().size())
                .append(reference ? " compared" : " checked");
        if (!failures.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (InputResult x : failures) {
                names.add(name(x) + " " + x.verdict());
            }
            sb.append(" (").append(list(names)).append(')');
        }
        List<InputResult> short_ = r.coverageShortfalls();
        if (!short_.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (InputResult x : short_) {
                names.add(name(x) + " " + pct(x.verifiedShare()) + " verified");
            }
            sb.append("; minimum coverage ").append(pct(r.settings().minimumCoverage())).append(" not met by ")
                    .append(short_.size()).append(short_.size() == 1 ? " input" : " inputs").append(" (")
                    .append(list(names)).append(')');
        }
        if (reference) {
            sb.append("; ").append(r.results().isEmpty() ? "" : r.results().get(0).op())
                    .append(" against its reference composition");
        } else {
            int nodeInputs = 0;
            for (InputResult x : r.results()) {
                if (!x.endToEnd()) {
                    nodeInputs++;
                }
            }
            sb.append("; ").append(nodeInputs).append(" node inputs");
            if (r.hasEndToEnd()) {
                sb.append(", end-to-end difference ").append(num(r.endToEndDifference()));
            }
        }
        sb.append("; ").append(coverage(r));
        Settings s = r.settings();
        if (reference) {
            sb.append("; no step, floating-point bound; seed ").append(s.seed());
        } else {
            sb.append("; mode ").append(s.modeText()).append(", ").append(s.coverageText())
                    .append(", seed ").append(s.seed());
        }
        return sb.toString();
    }

    /** @return for example {@code entries 159 verified, 0 skipped at kinks, 0 not checked} (and weak inputs) */
    private static String coverage(CheckReport r) {
        int directions = 0;
        for (InputResult x : r.results()) {
            directions = Math.max(directions, x.directions());
        }
        StringBuilder sb = new StringBuilder("entries ").append(r.entriesVerified()).append(" verified, ")
                .append(r.entriesSkipped()).append(" skipped at kinks, ").append(r.entriesNotChecked())
                .append(" not checked");
        if (directions > 0) {
            sb.append(" one by one (").append(directions).append(" random directions per input)");
        }
        List<InputResult> weak = r.weakInputs();
        if (!weak.isEmpty()) {
            InputResult w = weak.get(0);
            sb.append("; weak: ").append(weak.size()).append(weak.size() == 1 ? " input" : " inputs")
                    .append(" with over ").append(pct(InputResult.WEAK_SKIP_SHARE))
                    .append(" of the entries checked skipped at kinks (").append(name(w)).append(' ')
                    .append(pct(1 - w.verifiedShare())).append(weak.size() > 1 ? ", …" : "").append(')');
        }
        return sb.toString();
    }

    private static String name(InputResult x) {
        return x.inputIndex() < 0 ? x.inputName() : x.displayName();
    }

    private static String list(List<String> names) {
        if (names.size() <= NAMED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMED)) + " and " + (names.size() - NAMED) + " more";
    }

    /** @return a share as a percentage with one decimal, for example {@code 77.9 %} */
    static String pct(double share) {
        String s = Scientific.fixed(100 * share, 1);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + " %";
    }

    static String render(CheckReport r) {
        Settings s = r.settings();
        StringBuilder sb = new StringBuilder();
        wrap(sb, summary(r), "", "  ", true);
        boolean reference = r.kind() == CheckReport.Kind.REFERENCE;
        boolean alone = reference || r.kind() == CheckReport.Kind.OP;
        if (reference) {
            wrap(sb, "settings: no step; entries compared within " + ReferenceCheck.boundText()
                    + " · upstream gradient seed " + s.seed(), "", "  ", false);
        } else {
            sb.append("settings: mode ").append(s.modeText()).append(" · coverage ").append(s.coverageText())
                    .append(" · ").append(s.seedMode() ? "threshold " : "tolerance ").append(num(s.tolerance()))
                    .append(" · seed ").append(s.seed());
            if (s.minimumCoverage() > 0) {
                sb.append(" · minimum coverage ").append(pct(s.minimumCoverage()));
            }
            sb.append('\n');
            sb.append("step: ").append(s.stepText()).append('\n');
        }
        if (alone && !r.results().isEmpty()) {
            sb.append(reference ? "fused op: " : "op: ").append(r.results().get(0).op())
                    .append(reference ? " (against its reference composition)" : " (checked alone)").append('\n');
        }
        String[] headers = alone ? new String[] {"input", "shape", reference ? "compared" : "verified", "rel.diff",
            "max|err|", "verdict"}
            : new String[] {"node", "op", "input", "shape", "verified", "rel.diff", "max|err|", "verdict"};
        List<String[]> rows = new ArrayList<>();
        rows.add(headers);
        for (InputResult x : r.results()) {
            rows.add(row(x, alone));
        }
        int[] width = new int[headers.length];
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        boolean e2eHeader = false;
        for (int k = 0; k < rows.size(); k++) {
            if (k > 0 && r.results().get(k - 1).endToEnd() && !e2eHeader) {
                e2eHeader = true;
                sb.append("end to end (all parameters, graph replayed): difference ")
                        .append(num(r.endToEndDifference())).append('\n');
            }
            String[] row = rows.get(k);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(row[c]);
                if (c < width.length - 1) {
                    line.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        findings(sb, r);
        coverageNotes(sb, r);
        return sb.toString();
    }

    private static String[] row(InputResult x, boolean alone) {
        String verified = x.entriesVerified() + "/" + x.entriesTotal();
        if (x.directions() > 0) {
            verified += " +" + x.directions() + "dir";
        }
        if (x.entriesSkipped() > 0) {
            verified += " (" + x.entriesSkipped() + " kink)";
        }
        String input = x.inputName() + (x.parameter() != null && !x.endToEnd() ? " (= " + x.parameter() + ")" : "");
        String[] tail = {cut(input, 26), x.shape(), verified, num(x.relativeDifference()), num(x.maxAbsError()),
            x.verdict().name()};
        if (alone) {
            return tail;
        }
        String[] row = new String[tail.length + 2];
        row[0] = cut(x.node(), 16);
        row[1] = cut(x.op(), 30);
        System.arraycopy(tail, 0, row, 2, tail.length);
        return row;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Below the table: what went wrong for each input that did not pass, and notes on the others. */
    private static void findings(StringBuilder sb, CheckReport r) {
        boolean first = true;
        for (InputResult x : r.results()) {
            if (x.verdict().isPassing() || x.explanation().isEmpty() && x.worstEntries().isEmpty()) {
                continue;
            }
            if (first) {
                sb.append('\n');
                first = false;
            }
            sb.append(place(x)).append(": ").append(x.verdict()).append('\n');
            if (!x.explanation().isEmpty()) {
                wrap(sb, x.explanation(), "  ", "  ", false);
            }
            worst(sb, x);
        }
        boolean notes = false;
        for (InputResult x : r.results()) {
            if (!x.verdict().isPassing() || x.explanation().isEmpty()) {
                continue;
            }
            if (!notes) {
                sb.append(first ? "\n" : "").append("notes:\n");
                notes = true;
                first = false;
            }
            wrap(sb, place(x) + ": " + x.explanation(), "  - ", "    ", false);
        }
    }

    /** @return for example {@code fc1.b (= fc1.bias), op Linear} or {@code end-to-end fc1.bias} */
    private static String place(InputResult x) {
        if (x.endToEnd()) {
            return x.displayName();
        }
        if (x.inputIndex() < 0) {
            return x.op() + " forward";
        }
        return (x.node().equals(x.op()) ? x.op() + "." + x.inputName()
                + (x.parameter() != null ? " (= " + x.parameter() + ")" : "")
                : x.displayName() + ", op " + x.op());
    }

    private static void worst(StringBuilder sb, InputResult x) {
        List<EntryResult> w = x.worstEntries();
        if (w.isEmpty()) {
            return;
        }
        String[][] cells = new String[w.size() + 1][];
        cells[0] = new String[] {w.size() == 1 ? "worst entry" : "worst entries", x.words().a(), x.words().n(),
            "|difference|", "allowed"};
        for (int q = 0; q < w.size(); q++) {
            EntryResult e = w.get(q);
            cells[q + 1] = new String[] {e.position(), Scientific.format(e.analytic(), 6),
                Scientific.format(e.numeric(), 6), Scientific.format(e.absoluteError(), 2),
                Double.isNaN(e.allowed()) ? "—" : Scientific.format(e.allowed(), 2)};
        }
        int[] width = new int[5];
        for (String[] c : cells) {
            for (int k = 0; k < c.length; k++) {
                width[k] = Math.max(width[k], c[k].length());
            }
        }
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder("  ");
            for (int k = 0; k < c.length; k++) {
                line.append(c[k]).append(" ".repeat(width[k] - c[k].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** A word on coverage when it is weak, or below the minimum. */
    private static void coverageNotes(StringBuilder sb, CheckReport r) {
        List<InputResult> weak = r.weakInputs();
        List<InputResult> below = r.coverageShortfalls();
        if (weak.isEmpty() && below.isEmpty()) {
            return;
        }
        sb.append('\n');
        if (!below.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (InputResult x : below) {
                names.add(name(x) + " " + pct(x.verifiedShare()) + " (" + x.entriesVerified() + " of "
                        + x.entriesChecked() + " checked entries verified, " + x.entriesSkipped()
                        + " skipped at kinks)");
            }
            wrap(sb, "Minimum coverage not met, so the check FAILED: " + below.size()
                    + (below.size() == 1 ? " input" : " inputs") + " verified less than the required "
                    + pct(r.settings().minimumCoverage()) + " of its checked entries: " + list(names) + ".",
                    "", "  ", false);
        }
        if (!weak.isEmpty()) {
            List<String> names = new ArrayList<>();
            boolean endToEnd = false;
            for (InputResult x : weak) {
                names.add(name(x) + " " + pct(1 - x.verifiedShare()) + " (" + x.entriesSkipped() + " of "
                        + x.entriesChecked() + ")");
                endToEnd |= x.endToEnd();
            }
            wrap(sb, "Coverage is weak: over " + pct(InputResult.WEAK_SKIP_SHARE) + " of the entries checked"
                    + " were skipped at kinks in " + weak.size() + (weak.size() == 1 ? " input" : " inputs") + ": "
                    + list(names) + ". Their verdicts rest on the other entries alone. To verify more, "
                    + (endToEnd ? "check end to end on a smaller batch (each parameter moves every sample's ReLU"
                            + " inputs, so kinks grow with the batch; subset mode keeps a large model quick), at"
                            + " another point (another seed, or after a training step), or rely on the per-node"
                            + " checks of checkGraph, whose much smaller steps rarely meet a kink."
                            : "check at another point, away from the kinks (another seed, or after a training"
                            + " step).")
                    + " minimumCoverage(share) turns a weak check into a failure.", "", "  ", false);
        }
    }

    /**
     * Appends {@code text} wrapped at {@link #WIDTH} columns.
     *
     * @param first the first line's prefix
     * @param indent the prefix of every further line
     * @param clauses break only after {@code "; "} (the clauses of a summary), else at any space
     */
    static void wrap(StringBuilder sb, String text, String first, String indent, boolean clauses) {
        String prefix = first;
        String rest = text;
        String sep = clauses ? "; " : " ";
        while (prefix.length() + rest.length() > WIDTH) {
            int room = WIDTH - prefix.length();
            int cut = -1;
            for (int k = rest.indexOf(sep); k >= 0 && k + sep.length() - 1 <= room; k = rest.indexOf(sep, k + 1)) {
                cut = k + sep.length();
            }
            if (cut <= 0 && clauses) {
                // a clause longer than the line: break it after a comma, else at a space
                for (int k = rest.indexOf(", "); k >= 0 && k + 1 <= room; k = rest.indexOf(", ", k + 1)) {
                    cut = k + 2;
                }
                for (int k = rest.indexOf(' '); cut <= 0 && k >= 0 && k <= room; k = rest.indexOf(' ', k + 1)) {
                    if (rest.indexOf(' ', k + 1) > room || rest.indexOf(' ', k + 1) < 0) {
                        cut = k + 1;
                    }
                }
            }
            if (cut <= 0) {
                int k = rest.indexOf(' ', room);
                if (k < 0) {
                    break;
                }
                cut = k + 1;
            }
            sb.append(prefix).append(rest.substring(0, cut).stripTrailing()).append('\n');
            rest = rest.substring(cut);
            prefix = indent;
        }
        sb.append(prefix).append(rest).append('\n');
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == 0) {
            return "0";
        }
        return Scientific.format(v, 2); // the text of %.2e
    }

    static String json(CheckReport r) {
        Settings s = r.settings();
        StringBuilder sb = new StringBuilder("{");
        field(sb, "passed", String.valueOf(r.passed())).append(',');
        field(sb, "mode", str(r.mode())).append(',');
        field(sb, "coverage", str(r.coverage())).append(',');
        field(sb, "step", str(r.kind() == CheckReport.Kind.REFERENCE ? "none" : s.stepText())).append(',');
        field(sb, "tolerance", jnum(s.tolerance())).append(',');
        field(sb, "seed", String.valueOf(s.seed())).append(',');
        field(sb, "minimumCoverage", jnum(s.minimumCoverage())).append(',');
        field(sb, "endToEnd", String.valueOf(r.hasEndToEnd())).append(',');
        field(sb, "endToEndDifference", jnum(r.endToEndDifference())).append(',');
        field(sb, "entriesVerified", String.valueOf(r.entriesVerified())).append(',');
        field(sb, "entriesSkipped", String.valueOf(r.entriesSkipped())).append(',');
        field(sb, "entriesNotChecked", String.valueOf(r.entriesNotChecked())).append(',');
        field(sb, "summary", str(r.summary())).append(',');
        sb.append("\"results\":[");
        List<InputResult> results = r.results();
        for (int k = 0; k < results.size(); k++) {
            InputResult x = results.get(k);
            sb.append(k == 0 ? "" : ",").append('{');
            field(sb, "node", str(x.node())).append(',');
            field(sb, "op", str(x.op())).append(',');
            field(sb, "inputIndex", String.valueOf(x.inputIndex())).append(',');
            field(sb, "input", str(x.inputName())).append(',');
            field(sb, "parameter", x.parameter() == null ? "null" : str(x.parameter())).append(',');
            field(sb, "shape", str(x.shape())).append(',');
            field(sb, "endToEnd", String.valueOf(x.endToEnd())).append(',');
            field(sb, "entriesChecked", String.valueOf(x.entriesChecked())).append(',');
            field(sb, "entriesVerified", String.valueOf(x.entriesVerified())).append(',');
            field(sb, "entriesTotal", String.valueOf(x.entriesTotal())).append(',');
            field(sb, "entriesSkipped", String.valueOf(x.entriesSkipped())).append(',');
            field(sb, "entriesNotChecked", String.valueOf(x.entriesNotChecked())).append(',');
            field(sb, "directions", String.valueOf(x.directions())).append(',');
            field(sb, "weak", String.valueOf(x.weak())).append(',');
            field(sb, "relativeDifference", jnum(x.relativeDifference())).append(',');
            field(sb, "maxAbsError", jnum(x.maxAbsError())).append(',');
            field(sb, "verdict", str(x.verdict().name())).append(',');
            field(sb, "diagnosis", str(x.diagnosis())).append(',');
            sb.append("\"worst\":[");
            List<EntryResult> worst = x.worstEntries();
            for (int q = 0; q < worst.size(); q++) {
                EntryResult e = worst.get(q);
                sb.append(q == 0 ? "" : ",").append('{');
                field(sb, "index", e.index().toString().replace(" ", "")).append(',');
                field(sb, "analytic", jnum(e.analytic())).append(',');
                field(sb, "numeric", jnum(e.numeric())).append(',');
                field(sb, "allowed", jnum(e.allowed())).append(',');
                field(sb, "verdict", str(e.verdict().name()));
                sb.append('}');
            }
            sb.append("]}");
        }
        sb.append("],\"nodes\":[");
        List<ReportNode> nodes = r.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            ReportNode n = nodes.get(k);
            Verdict v = r.nodeVerdict(n.label());
            sb.append(k == 0 ? "" : ",").append('{');
            field(sb, "index", String.valueOf(n.index())).append(',');
            field(sb, "label", str(n.label())).append(',');
            field(sb, "kind", str(n.kind())).append(',');
            field(sb, "op", n.op() == null ? "null" : str(n.op())).append(',');
            field(sb, "shape", str(n.shape())).append(',');
            field(sb, "inputs", n.inputs().toString().replace(" ", "")).append(',');
            field(sb, "parameter", n.parameter() == null ? "null" : str(n.parameter())).append(',');
            field(sb, "verdict", v == null ? "null" : str(v.name()));
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append(str(name)).append(':').append(value);
    }

    /** A JSON number, or a string for NaN and the infinities, which JSON cannot express. */
    static String jnum(double v) {
        return Double.isFinite(v) ? Double.toString(v) : str(Double.toString(v));
    }

    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '<':
                    sb.append("\\u003c"); // safe inside an HTML script element too
                    break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
