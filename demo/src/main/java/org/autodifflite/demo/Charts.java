package org.autodifflite.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
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
        NumberAxis y = new NumberAxis("mean binary cross-entropy");
        y.setAutoRangeIncludesZero(false);
        save(file, chart(title, data, x, y, false), 720, 420);
    }

    /**
     * Writes the step sweep: one line per checked input, relative difference against ε, both axes
     * logarithmic.
     *
     * @param file the PNG to write (parent directories are made)
     * @param title the chart title
     * @param steps the steps ε, one per point
     * @param series input name → relative difference at each step (values ≤ 0 are drawn at
     *     {@link #LOG_FLOOR}; NaN is left out)
     * @throws IllegalArgumentException if the file cannot be written
     */
    static void sweep(Path file, String title, double[] steps, Map<String, double[]> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false);
            double[] v = e.getValue();
            for (int i = 0; i < steps.length; i++) {
                if (!Double.isNaN(v[i])) {
                    s.add(steps[i], Math.max(LOG_FLOOR, v[i]));
                }
            }
            data.addSeries(s);
        }
        LogAxis x = new LogAxis("step ε");
        x.setInverted(true); // large steps on the left, as one would try them
        LogAxis y = new LogAxis("relative difference ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)");
        x.setBase(10);
        y.setBase(10);
        x.setNumberFormatOverride(new java.text.DecimalFormat("0.#E0"));
        y.setNumberFormatOverride(new java.text.DecimalFormat("0.#E0"));
        save(file, chart(title, data, x, y, true), 900, 560);
    }

    private static JFreeChart chart(String title, XYSeriesCollection data,
            org.jfree.chart.axis.ValueAxis x, org.jfree.chart.axis.ValueAxis y, boolean shapes) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        List<Color> palette = List.of(new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
                new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
                new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf));
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, palette.get(i % palette.size()));
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.RIGHT);
        return chart;
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
