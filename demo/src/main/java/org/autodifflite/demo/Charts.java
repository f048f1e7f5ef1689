package org.autodifflite.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's two pictures, drawn with JFreeChart and saved as PNG without a display: the training
 * loss curve and the step sweep (relative difference against ε, log-log).
 */
final class Charts {

    static {
        // Charts are files, never windows: this also lets java -jar run on a server.
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * The smallest value drawn on a log axis: an exact 0 (analytic and numeric agree to the last
     * bit) is drawn here instead of vanishing.
     */
    static final double LOG_FLOOR = 1e-17;

    /** Twenty distinct colours (the "tab20" set, dark shades first), so that no two lines share one. */
    private static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xd62728),
            new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
            new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
            new Color(0xaec7e8), new Color(0xff9896), new Color(0x98df8a), new Color(0xffbb78),
            new Color(0xc5b0d5), new Color(0xc49c94), new Color(0xf7b6d2), new Color(0x393b79),
            new Color(0xdbdb8d), new Color(0x9edae5));

    private Charts() {
    }

    /**
     * Writes the loss curve: one line per series (for example training and test loss) against the
     * epoch.
     *
     * @param file the PNG to write (parent directories are made)
     * @param title the chart title
     * @param series series name → loss per epoch (epoch 1 first)
     * @throws IllegalArgumentException if the file cannot be written
     */
    static void lossCurve(Path file, String title, Map<String, double[]> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                s.add(i + 1, v[i]);
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("mean binary cross-entropy");
        y.setAutoRangeIncludesZero(false);
        save(file, chart(title, data, x, y), 720, 420);
    }

    /**
     * Writes the step sweep: panels stacked over one shared ε axis, one line per checked input,
     * relative difference against ε, both axes logarithmic.
     *
     * @param file the PNG to write (parent directories are made)
     * @param title the chart title
     * @param steps the steps ε, one per point
     * @param panels panel name (the y-axis label) → (input name → relative difference at each
     *     step); values ≤ 0 are drawn at {@link #LOG_FLOOR}, NaN is left out
     * @param colourKey maps a line's name to a key; lines with the same key get the same colour
     *     (for example a parameter's line in each panel)
     * @throws IllegalArgumentException if the file cannot be written
     */
    static void sweep(Path file, String title, double[] steps, Map<String, Map<String, double[]>> panels,
            Function<String, String> colourKey) {
        LogAxis x = logAxis("step ε (from large to small)");
        x.setInverted(true); // large steps on the left, as one would try them
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(14);
        Map<String, Integer> colours = new HashMap<>();
        int lines = 0;
        for (Map.Entry<String, Map<String, double[]>> panel : panels.entrySet()) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            for (Map.Entry<String, double[]> e : panel.getValue().entrySet()) {
                XYSeries s = new XYSeries(e.getKey(), false);
                double[] v = e.getValue();
                for (int i = 0; i < steps.length; i++) {
                    if (!Double.isNaN(v[i])) {
                        s.add(steps[i], Math.max(LOG_FLOOR, v[i]));
                    }
                }
                int colour = colours.computeIfAbsent(colourKey.apply(e.getKey()), k -> colours.size());
                r.setSeriesPaint(data.getSeriesCount(), PALETTE.get(colour % PALETTE.size()));
                r.setSeriesStroke(data.getSeriesCount(), new BasicStroke(2f));
                data.addSeries(s);
            }
            lines += data.getSeriesCount();
            XYPlot sub = new XYPlot(data, null, logAxis(panel.getKey()), r);
            style(sub);
            plot.add(sub, Math.max(1, data.getSeriesCount()));
        }
        save(file, titled(title, plot, RectangleEdge.RIGHT), 960, 380 + 26 * lines);
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setNumberFormatOverride(new DecimalFormat("0E0"));
        axis.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
        return axis;
    }

    private static XYLineAndShapeRenderer renderer(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            r.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
    }

    private static JFreeChart titled(String title, org.jfree.chart.plot.Plot plot, RectangleEdge legendAt) {
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(legendAt);
        return chart;
    }

    private static JFreeChart chart(String title, XYSeriesCollection data, NumberAxis x, NumberAxis y) {
        XYPlot plot = new XYPlot(data, x, y, renderer(data.getSeriesCount()));
        style(plot);
        return titled(title, plot, RectangleEdge.BOTTOM);
    }

    private static void save(Path file, JFreeChart chart, int width, int height) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }
}
