package org.autodifflite.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Renders a {@link CheckReport} as one self-contained HTML page: the graph laid out by dagre
 * (inlined; no network) with each node and edge coloured by its verdict, the table of results,
 * for each failing input its diagnosis, worst entries and a heat map of the error per entry
 * (downsampled for large inputs, which the caption says), notes on coverage, and the settings.
 *
 * <p>DOM hooks for tools and tests: every drawn node is an SVG {@code g.node} with
 * {@code data-node} (its label), {@code data-kind} and {@code data-verdict} ({@code PASS},
 * {@code FAIL}, {@code SKIPPED}, {@code NON_FINITE}, {@code CONTRACT}, {@code FORWARD_DIFFERS}, or
 * {@code DATA} for a leaf the report has no result for, {@code NONE} for such an op); the page's
 * {@code body} has {@code data-passed} and, once the graph is drawn, {@code data-graph="drawn"}.
 */
final class ReportHtml {

    private static final String DAGRE = "dagre/dagre.min.js";

    private ReportHtml() {
    }

    static String render(CheckReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        boolean passed = r.passed();
        String title = (r.kind() == CheckReport.Kind.REFERENCE ? "Reference check " : "Gradient check ")
                + (passed ? "PASSED" : "FAILED");
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body data-passed=\"").append(passed).append("\">\n");
        sb.append("<header class=\"").append(passed ? "pass" : "fail").append("\">\n<h1>").append(esc(title))
                .append("</h1>\n<p class=\"summary\">").append(esc(r.summary())).append("</p>\n</header>\n");
        coverage(sb, r);
        sb.append("<main>\n<section id=\"graph-section\">\n<h2>Graph</h2>\n")
                .append("<p class=\"legend\">Each node is coloured by its verdict (an op: the worst of its inputs;"
                        + " a parameter: its end-to-end check); each edge by the check of that input. ")
                .append(legend()).append("</p>\n")
                .append("<div id=\"graph-box\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\""
                        + " role=\"img\" aria-label=\"the graph checked\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\""
                        + " refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                        + "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs></svg></div>\n")
                .append("</section>\n");
        table(sb, r);
        findings(sb, r);
        settings(sb, r);
        sb.append("</main>\n<footer>Graph layout by dagre ").append(esc(dagreVersion()))
                .append(" (MIT licence), inlined in this page. Made by autodiff-lite's checker.</footer>\n");
        sb.append("<script type=\"application/json\" id=\"graph-data\">").append(graphJson(r)).append("</script>\n");
        sb.append("<script>\n").append(dagre().replace("</script", "<\\/script")).append("\n</script>\n");
        sb.append("<script>\n").append(DRAW).append("</script>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static String legend() {
        StringBuilder sb = new StringBuilder();
        for (String v : new String[] {"PASS", "SKIPPED", "FAIL", "NON_FINITE", "CONTRACT", "FORWARD_DIFFERS", "DATA"}) {
            sb.append("<span class=\"chip v-").append(v).append("\">").append(v.equals("DATA") ? "data (no check)" : v)
                    .append("</span> ");
        }
        return sb.toString();
    }

    private static void coverage(StringBuilder sb, CheckReport r) {
        List<InputResult> weak = r.weakInputs();
        List<InputResult> below = r.coverageShortfalls();
        sb.append("<section id=\"coverage\" class=\"").append(weak.isEmpty() && below.isEmpty() ? "ok" : "weak")
                .append("\">\n<p>Coverage: <b>").append(r.entriesVerified()).append("</b> entries verified, <b>")
                .append(r.entriesSkipped()).append("</b> skipped at kinks, <b>").append(r.entriesNotChecked())
                .append("</b> not checked one by one.</p>\n");
        if (!below.isEmpty()) {
            sb.append("<p class=\"bad\">Minimum coverage of ").append(ReportFormat.pct(r.settings().minimumCoverage()))
                    .append(" not met by ").append(below.size()).append(below.size() == 1 ? " input" : " inputs")
                    .append(": ");
            for (int k = 0; k < below.size(); k++) {
                InputResult x = below.get(k);
                sb.append(k == 0 ? "" : ", ").append(esc(x.displayName())).append(' ')
                        .append(ReportFormat.pct(x.verifiedShare())).append(" verified");
            }
            sb.append(".</p>\n");
        }
        if (!weak.isEmpty()) {
            sb.append("<p class=\"warn\">Weak: over ").append(ReportFormat.pct(InputResult.WEAK_SKIP_SHARE))
                    .append(" of the checked entries were skipped at kinks in ").append(weak.size())
                    .append(weak.size() == 1 ? " input" : " inputs").append(" (");
            for (int k = 0; k < Math.min(5, weak.size()); k++) {
                InputResult x = weak.get(k);
                sb.append(k == 0 ? "" : ", ").append(esc(x.displayName())).append(' ')
                        .append(ReportFormat.pct(1 - x.verifiedShare()));
            }
            sb.append(weak.size() > 5 ? ", …" : "").append("). Check end to end on a smaller batch, at another"
                    + " point, or rely on the per-node checks, whose steps rarely meet a kink.</p>\n");
        }
        sb.append("</section>\n");
    }

    private static void table(StringBuilder sb, CheckReport r) {
        sb.append("<section id=\"results\">\n<h2>Results</h2>\n<table>\n<thead><tr><th>node</th><th>op</th>"
                + "<th>input</th><th>shape</th><th>verified</th><th>kinks</th><th>not checked</th><th>rel.diff</th>"
                + "<th>max|err|</th><th>verdict</th><th>diagnosis</th></tr></thead>\n<tbody>\n");
        for (InputResult x : r.results()) {
            sb.append("<tr class=\"v-").append(x.verdict().name()).append("\" data-input=\"")
                    .append(esc(x.displayName())).append("\"><td>").append(esc(x.endToEnd() ? "end to end" : x.node()))
                    .append("</td><td>").append(esc(x.endToEnd() ? "" : x.op())).append("</td><td>")
                    .append(esc(x.inputName() + (x.parameter() != null && !x.endToEnd() ? " (= " + x.parameter() + ")"
                            : ""))).append("</td><td>").append(esc(x.shape())).append("</td><td class=\"num\">")
                    .append(x.entriesVerified()).append('/').append(x.entriesTotal())
                    .append(x.directions() > 0 ? " +" + x.directions() + " dir" : "").append("</td><td class=\"num\">")
                    .append(x.entriesSkipped()).append("</td><td class=\"num\">").append(x.entriesNotChecked())
                    .append("</td><td class=\"num\">").append(ReportFormat.num(x.relativeDifference()))
                    .append("</td><td class=\"num\">").append(ReportFormat.num(x.maxAbsError()))
                    .append("</td><td class=\"verdict\">").append(x.verdict().name()).append("</td><td>")
                    .append(esc(x.explanation())).append("</td></tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
        if (r.hasEndToEnd()) {
            sb.append("<p>End to end (all parameters, graph replayed): difference ")
                    .append(ReportFormat.num(r.endToEndDifference())).append("</p>\n");
        }
        sb.append("</section>\n");
    }

    private static void findings(StringBuilder sb, CheckReport r) {
        List<InputResult> failures = r.failures();
        if (failures.isEmpty()) {
            return;
        }
        sb.append("<section id=\"failures\">\n<h2>What went wrong</h2>\n");
        for (InputResult x : failures) {
            sb.append("<article class=\"finding v-").append(x.verdict().name()).append("\" data-input=\"")
                    .append(esc(x.displayName())).append("\">\n<h3>").append(esc(x.displayName()))
                    .append(x.endToEnd() ? "" : " <small>op " + esc(x.op()) + "</small>")
                    .append(" <span class=\"chip v-").append(x.verdict().name()).append("\">")
                    .append(x.verdict().name()).append("</span></h3>\n<p>").append(esc(x.explanation())).append("</p>\n");
            List<EntryResult> w = x.worstEntries();
            if (!w.isEmpty()) {
                sb.append("<table class=\"worst\"><thead><tr><th>worst entries</th><th>").append(x.words().a())
                        .append("</th><th>").append(x.words().n()).append("</th><th>|difference|</th><th>allowed</th>")
                        .append("</tr></thead><tbody>\n");
                for (EntryResult e : w) {
                    sb.append("<tr><td>").append(esc(e.position())).append("</td><td class=\"num\">")
                            .append(Scientific.format(e.analytic(), 6)).append("</td><td class=\"num\">")
                            .append(Scientific.format(e.numeric(), 6)).append("</td><td class=\"num\">")
                            .append(Scientific.format(e.absoluteError(), 2)).append("</td><td class=\"num\">")
                            .append(Double.isNaN(e.allowed()) ? "—" : Scientific.format(e.allowed(), 2))
                            .append("</td></tr>\n");
                }
                sb.append("</tbody></table>\n");
            }
            if (x.errorMap() != null) {
                heatMap(sb, x);
            }
            sb.append("</article>\n");
        }
        sb.append("</section>\n");
    }

    /** An SVG heat map of |analytic − numeric| per entry, on a log scale. */
    private static void heatMap(StringBuilder sb, InputResult x) {
        ErrorMap m = x.errorMap();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int k = 0; k < m.error.length; k++) {
            double v = m.error[k];
            if (Double.isFinite(v) && v > 0) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        int cell = Math.max(6, Math.min(32, 512 / Math.max(m.cellCols, 1)));
        int width = m.cellCols * cell;
        int height = m.cellRows * cell;
        sb.append("<figure class=\"heat\"><svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width + 2).append("\" height=\"").append(height + 2).append("\" data-rows=\"").append(m.cellRows)
                .append("\" data-cols=\"").append(m.cellCols).append("\">");
        for (int rr = 0; rr < m.cellRows; rr++) {
            for (int cc = 0; cc < m.cellCols; cc++) {
                int k = rr * m.cellCols + cc;
                byte s = m.state[k];
                double v = m.error[k];
                String fill;
                String cls;
                switch (s) {
                    case ErrorMap.NOT_CHECKED:
                        fill = "#eeeeee";
                        cls = "not-checked";
                        break;
                    case ErrorMap.KINK:
                        fill = "#c9c9c9";
                        cls = "kink";
                        break;
                    case ErrorMap.NON_FINITE:
                        fill = "#6a3d9a";
                        cls = "non-finite";
                        break;
                    default:
                        fill = heat(v, lo, hi);
                        cls = s == ErrorMap.FAIL ? "fail" : "pass";
                }
                String at = m.cellName(rr, cc);
                sb.append("<rect class=\"").append(cls).append("\" x=\"").append(1 + cc * cell).append("\" y=\"")
                        .append(1 + rr * cell).append("\" width=\"").append(cell).append("\" height=\"").append(cell)
                        .append("\" fill=\"").append(fill).append('"')
                        .append(s == ErrorMap.FAIL ? " stroke=\"#000\" stroke-width=\"1\"" : "").append("><title>")
                        .append(esc(at)).append(": ").append(cls.replace('-', ' '))
                        .append(Double.isNaN(v) ? "" : ", |difference| " + Scientific.format(v, 2))
                        .append("</title></rect>");
            }
        }
        sb.append("</svg><figcaption>|").append(x.words().a()).append(" − ").append(x.words().n())
                .append("| per entry of ").append(esc(x.inputName())).append(" (").append(esc(x.shape())).append(")");
        if (m.dims.length > 2) {
            sb.append(", all axes but the last flattened into rows");
        }
        if (m.downsampled()) {
            sb.append("; downsampled: each cell is a block of ").append(m.blockRows).append(" × ").append(m.blockCols)
                    .append(" entries and shows its largest difference and worst state");
        }
        sb.append("; log colour scale from ").append(Double.isFinite(lo) ? Scientific.format(lo, 1) : "0")
                .append(" (pale) to ").append(Scientific.format(hi, 1))
                .append(" (dark red); outlined: failing; grey: skipped at a kink; light grey: not checked;"
                        + " purple: not finite.</figcaption></figure>\n");
    }

    /** A colour from pale yellow (lo) to dark red (hi), on a log scale. */
    private static String heat(double v, double lo, double hi) {
        double t;
        if (!(v > 0) || !Double.isFinite(lo) || hi <= lo) {
            t = v > 0 ? 1 : 0;
        } else {
            t = (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
        }
        t = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(255 - t * (255 - 140));
        int g = (int) Math.round(247 - t * 247);
        int b = (int) Math.round(188 - t * (188 - 10));
        return String.format(java.util.Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static void settings(StringBuilder sb, CheckReport r) {
        Settings s = r.settings();
        sb.append("<section id=\"settings\">\n<h2>Settings</h2>\n<dl>\n");
        if (r.kind() == CheckReport.Kind.REFERENCE) {
            item(sb, "method", "fused op against its reference composition; no step");
            item(sb, "bound", ReferenceCheck.boundText() + ", per entry");
        } else {
            item(sb, "mode", s.modeText());
            item(sb, "coverage", s.coverageText());
            item(sb, "step", s.stepText());
            item(sb, s.seedMode() ? "threshold" : "tolerance", ReportFormat.num(s.tolerance()));
            item(sb, "minimum coverage", s.minimumCoverage() > 0 ? ReportFormat.pct(s.minimumCoverage()) : "none");
            item(sb, "threads", String.valueOf(s.threads()) + " (the report is the same for any number)");
        }
        item(sb, "seed", String.valueOf(s.seed()));
        sb.append("</dl>\n</section>\n");
    }

    private static void item(StringBuilder sb, String k, String v) {
        sb.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>\n");
    }

    /** The nodes and edges with their verdicts, as JSON for the drawing script. */
    static String graphJson(CheckReport r) {
        List<ReportNode> nodes = r.nodes();
        boolean alone = r.kind() == CheckReport.Kind.OP || r.kind() == CheckReport.Kind.REFERENCE;
        StringBuilder sb = new StringBuilder("{\"nodes\":[");
        for (int k = 0; k < nodes.size(); k++) {
            ReportNode n = nodes.get(k);
            Verdict v = alone ? aloneVerdict(r, n) : r.nodeVerdict(n.label());
            String verdict = v != null ? v.name() : "op".equals(n.kind()) ? "NONE" : "DATA";
            String sub = ("op".equals(n.kind()) ? cut(n.op(), 34) : n.kind()) + " · " + n.shape();
            sb.append(k == 0 ? "" : ",").append("{\"id\":").append(n.index()).append(",\"label\":")
                    .append(ReportFormat.str(n.label())).append(",\"kind\":").append(ReportFormat.str(n.kind()))
                    .append(",\"sub\":").append(ReportFormat.str(sub)).append(",\"verdict\":")
                    .append(ReportFormat.str(verdict)).append('}');
        }
        sb.append("],\"edges\":[");
        boolean firstEdge = true;
        for (ReportNode n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Verdict v = edgeVerdict(r, n, i, alone);
                sb.append(firstEdge ? "" : ",").append("{\"from\":").append(n.inputs().get(i)).append(",\"to\":")
                        .append(n.index()).append(",\"verdict\":").append(ReportFormat.str(v == null ? "NONE" : v.name()))
                        .append('}');
                firstEdge = false;
            }
        }
        return sb.append("]}").toString();
    }

    private static Verdict aloneVerdict(CheckReport r, ReportNode n) {
        if ("op".equals(n.kind())) {
            return r.nodeVerdict(n.label());
        }
        for (InputResult x : r.results()) {
            if (x.inputIndex() == n.index()) {
                return x.verdict();
            }
        }
        return null;
    }

    private static Verdict edgeVerdict(CheckReport r, ReportNode n, int i, boolean alone) {
        for (InputResult x : r.results()) {
            if (!x.endToEnd() && x.inputIndex() == i && (alone || x.node().equals(n.label()))) {
                return x.verdict();
            }
        }
        return null;
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String dagre() {
        try (InputStream in = ReportHtml.class.getResourceAsStream(DAGRE)) {
            if (in == null) {
                throw new IllegalStateException("the graph layout library " + DAGRE + " is missing from check's"
                        + " resources; it is unpacked from its WebJar at build time (mvn generate-resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dagreVersion() {
        String s = dagre();
        int k = s.indexOf("version");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(\\d+\\.\\d+\\.\\d+)\"").matcher(s);
        return m.find(Math.max(0, k)) ? m.group(1) : "";
    }

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#222;background:#fafafa}",
            "header{padding:16px 24px;color:#fff}header.pass{background:#2e7d32}header.fail{background:#c62828}",
            "header h1{margin:0 0 6px 0;font-size:24px}.summary{margin:0;font-family:ui-monospace,monospace;font-size:13px}",
            "main{padding:0 24px 24px}h2{font-size:18px;margin:22px 0 8px}h3{font-size:15px;margin:0 0 6px}",
            "#coverage{padding:8px 24px;font-size:14px;border-bottom:1px solid #ddd}#coverage p{margin:4px 0}",
            "#coverage.weak{background:#fff8e1}.bad{color:#b71c1c;font-weight:600}.warn{color:#8a5a00}",
            "#graph-box{overflow:auto;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}",
            "svg#graph text{font-size:12px;font-family:system-ui,sans-serif}svg#graph .label{font-weight:700}",
            "svg#graph .sub{fill:#333}",
            ".node rect{stroke:#444;stroke-width:1.2}.node.parameter rect{stroke-dasharray:4 2}",
            ".edge{fill:none;stroke:#777;stroke-width:1.4}.edge.v-FAIL,.edge.v-NON_FINITE,.edge.v-CONTRACT{stroke:#c62828;stroke-width:2.6}",
            "#graph .v-PASS rect,.chip.v-PASS{fill:#c8e6c9;background:#c8e6c9}#graph .v-FAIL rect,.chip.v-FAIL{fill:#ef9a9a;background:#ef9a9a}",
            "#graph .v-SKIPPED rect,.chip.v-SKIPPED{fill:#fff59d;background:#fff59d}#graph .v-NON_FINITE rect,.chip.v-NON_FINITE{fill:#ce93d8;background:#ce93d8}",
            "#graph .v-CONTRACT rect,.chip.v-CONTRACT{fill:#ffcc80;background:#ffcc80}#graph .v-FORWARD_DIFFERS rect,.chip.v-FORWARD_DIFFERS{fill:#f48fb1;background:#f48fb1}",
            "#graph .v-DATA rect,#graph .v-NONE rect,.chip.v-DATA{fill:#eceff1;background:#eceff1}",
            ".chip{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px;border:1px solid #999;color:#222}",
            ".legend{font-size:13px}",
            "table{border-collapse:collapse;font-size:13px;background:#fff}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}",
            "th{background:#f0f0f0}#results td:nth-child(-n+4){white-space:nowrap}td.num{font-family:ui-monospace,monospace;text-align:right;white-space:nowrap}",
            "tr.v-FAIL td,tr.v-NON_FINITE td,tr.v-CONTRACT td,tr.v-FORWARD_DIFFERS td{background:#ffebee}",
            "tr.v-SKIPPED td{background:#fffde7}td.verdict{font-weight:700}",
            ".finding{background:#fff;border:1px solid #e0e0e0;border-left:6px solid #c62828;border-radius:4px;padding:10px 14px;margin:10px 0}",
            ".finding p{margin:4px 0 8px;max-width:70em}.heat{margin:10px 0 0}.heat figcaption{font-size:12px;color:#555;max-width:60em}",
            "dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:13px}dt{font-weight:600}dd{margin:0}",
            "footer{padding:12px 24px;font-size:12px;color:#777}",
            "");

    private static final String DRAW = String.join("\n",
            "(function () {",
            "  var data = JSON.parse(document.getElementById('graph-data').textContent);",
            "  var svg = document.getElementById('graph');",
            "  var NS = 'http://www.w3.org/2000/svg';",
            "  var g = new dagre.graphlib.Graph({multigraph: true});",
            "  g.setGraph({rankdir: 'TB', nodesep: 22, ranksep: 34, edgesep: 10, marginx: 10, marginy: 10});",
            "  g.setDefaultEdgeLabel(function () { return {}; });",
            "  data.nodes.forEach(function (n) {",
            "    var w = Math.max(n.label.length * 7.6, n.sub.length * 6.6) + 22;",
            "    g.setNode(String(n.id), {width: w, height: 40});",
            "  });",
            "  data.edges.forEach(function (e, k) { g.setEdge(String(e.from), String(e.to), {k: k}, 'e' + k); });",
            "  dagre.layout(g);",
            "  var size = g.graph();",
            "  svg.setAttribute('width', Math.ceil(size.width));",
            "  svg.setAttribute('height', Math.ceil(size.height));",
            "  svg.setAttribute('viewBox', '0 0 ' + Math.ceil(size.width) + ' ' + Math.ceil(size.height));",
            "  function el(name, attrs, parent) {",
            "    var x = document.createElementNS(NS, name);",
            "    Object.keys(attrs).forEach(function (a) { x.setAttribute(a, attrs[a]); });",
            "    parent.appendChild(x);",
            "    return x;",
            "  }",
            "  g.edges().forEach(function (ev) {",
            "    var e = g.edge(ev);",
            "    var d = data.edges[e.k];",
            "    var pts = e.points.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); });",
            "    el('path', {d: 'M' + pts.join(' L'), 'class': 'edge v-' + d.verdict, 'marker-end': 'url(#arrow)',",
            "      'data-from': data.nodes[d.from] ? data.nodes[d.from].label : d.from,",
            "      'data-verdict': d.verdict}, svg);",
            "  });",
            "  data.nodes.forEach(function (n) {",
            "    var p = g.node(String(n.id));",
            "    var grp = el('g', {'class': 'node ' + n.kind + ' v-' + n.verdict, 'data-node': n.label,",
            "      'data-kind': n.kind, 'data-verdict': n.verdict,",
            "      transform: 'translate(' + (p.x - p.width / 2).toFixed(1) + ',' + (p.y - p.height / 2).toFixed(1) + ')'}, svg);",
            "    el('title', {}, grp).textContent = n.label + ' — ' + n.sub + ' — ' + n.verdict;",
            "    el('rect', {width: p.width.toFixed(1), height: p.height, rx: 6, ry: 6}, grp);",
            "    el('text', {x: 10, y: 16, 'class': 'label'}, grp).textContent = n.label;",
            "    el('text', {x: 10, y: 32, 'class': 'sub'}, grp).textContent = n.sub;",
            "  });",
            "  document.body.setAttribute('data-graph', 'drawn');",
            "})();",
            "");
}
