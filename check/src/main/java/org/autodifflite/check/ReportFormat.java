package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link CheckReport} as a text table, as JSON and as one line. */
final class ReportFormat {

    private static final String[] HEADERS = {"node", "op", "input", "shape", "checked", "rel.diff",
        "max|err|", "verdict", "diagnosis"};

    private ReportFormat() {
    }

    static String summary(CheckReport r) {
        int nodeInputs = 0;
        List<String> failed = new ArrayList<>();
        for (InputResult x : r.results()) {
            if (!x.endToEnd()) {
                nodeInputs++;
            }
            if (!x.verdict().isPassing()) {
                failed.add((x.endToEnd() ? "end-to-end " + x.inputName() : x.node() + "." + x.inputName())
                        + " " + x.verdict());
            }
        }
        StringBuilder sb = new StringBuilder("gradient check ").append(r.passed() ? "PASSED" : "FAILED");
        sb.append(": ").append(failed.size()).append(" failing of ").append(r.results().size()).append(" checked");
        if (!failed.isEmpty()) {
            sb.append(" (").append(String.join(", ", failed)).append(')');
        }
        sb.append("; ").append(nodeInputs).append(" node inputs");
        if (r.hasEndToEnd()) {
            sb.append(", end-to-end difference ").append(num(r.endToEndDifference()));
        }
        Settings s = r.settings();
        sb.append("; mode ").append(s.modeText()).append(", ").append(s.coverageText())
                .append(", seed ").append(s.seed());
        return sb.toString();
    }

    static String render(CheckReport r) {
        Settings s = r.settings();
        StringBuilder sb = new StringBuilder();
        sb.append(summary(r)).append('\n');
        sb.append("mode ").append(s.modeText()).append(" · coverage ").append(s.coverageText())
                .append(" · step ").append(s.stepText()).append(" · ")
                .append(s.seedMode() ? "threshold " : "tolerance ").append(num(s.tolerance()))
                .append(" · seed ").append(s.seed()).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        boolean e2eHeader = false;
        for (InputResult x : r.results()) {
            rows.add(row(x));
        }
        int[] width = new int[HEADERS.length - 1];
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
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
                if (c < width.length) {
                    line.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String[] row(InputResult x) {
        String checked = x.entriesChecked() + "/" + x.entriesTotal();
        if (x.directions() > 0) {
            checked += " +" + x.directions() + "dir";
        }
        if (x.entriesSkipped() > 0) {
            checked += " (" + x.entriesSkipped() + " kink)";
        }
        return new String[] {x.node(), x.op(), x.inputName(), x.shape(), checked, num(x.relativeDifference()),
            num(x.maxAbsError()), x.verdict().name(), x.diagnosis()};
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
        field(sb, "mode", str(s.modeText())).append(',');
        field(sb, "coverage", str(s.coverageText())).append(',');
        field(sb, "step", str(s.stepText())).append(',');
        field(sb, "tolerance", jnum(s.tolerance())).append(',');
        field(sb, "seed", String.valueOf(s.seed())).append(',');
        field(sb, "endToEnd", String.valueOf(r.hasEndToEnd())).append(',');
        field(sb, "endToEndDifference", jnum(r.endToEndDifference())).append(',');
        sb.append("\"results\":[");
        List<InputResult> results = r.results();
        for (int k = 0; k < results.size(); k++) {
            InputResult x = results.get(k);
            sb.append(k == 0 ? "" : ",").append('{');
            field(sb, "node", str(x.node())).append(',');
            field(sb, "op", str(x.op())).append(',');
            field(sb, "inputIndex", String.valueOf(x.inputIndex())).append(',');
            field(sb, "input", str(x.inputName())).append(',');
            field(sb, "shape", str(x.shape())).append(',');
            field(sb, "endToEnd", String.valueOf(x.endToEnd())).append(',');
            field(sb, "entriesChecked", String.valueOf(x.entriesChecked())).append(',');
            field(sb, "entriesTotal", String.valueOf(x.entriesTotal())).append(',');
            field(sb, "entriesSkipped", String.valueOf(x.entriesSkipped())).append(',');
            field(sb, "directions", String.valueOf(x.directions())).append(',');
            field(sb, "relativeDifference", jnum(x.relativeDifference())).append(',');
            field(sb, "maxAbsError", jnum(x.maxAbsError())).append(',');
            field(sb, "verdict", str(x.verdict().name())).append(',');
            field(sb, "diagnosis", str(x.diagnosis())).append(',');
            sb.append("\"worst\":[");
            List<EntryResult> worst = x.worstEntries();
            for (int q = 0; q < worst.size(); q++) {
                EntryResult e = worst.get(q);
                sb.append(q == 0 ? "" : ",").append('{');
                field(sb, "row", String.valueOf(e.row())).append(',');
                field(sb, "col", String.valueOf(e.col())).append(',');
                field(sb, "analytic", jnum(e.analytic())).append(',');
                field(sb, "numeric", jnum(e.numeric())).append(',');
                field(sb, "allowed", jnum(e.allowed())).append(',');
                field(sb, "verdict", str(e.verdict().name()));
                sb.append('}');
            }
            sb.append("]}");
        }
        return sb.append("]}").toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append(str(name)).append(':').append(value);
    }

    /** A JSON number, or a string for NaN and the infinities, which JSON cannot express. */
    private static String jnum(double v) {
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
