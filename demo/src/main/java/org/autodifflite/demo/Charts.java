package org.autodifflite.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
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
 * The demo's pictures, drawn with JFreeChart and saved as PNG without a display: the training
 * loss curve, the loss and accuracy curves of a classifier, the step sweep (relative difference
 * against ε, log-log), and a grid of small images (misclassified digits).
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

    /**
     * Writes training curves in two panels over one epoch axis: the loss above, the accuracy
     * below, one line per series in each (for example training and test).
     *
     * @param file the PNG to write (parent directories are made)
     * @param title the chart title
     * @param lossLabel the loss axis' label, such as "mean cross-entropy"
     * @param losses series name → loss per epoch (epoch 1 first)
     * @param accuracies series name → accuracy per epoch, in [0, 1]
     * @throws IllegalArgumentException if the file cannot be written
     */
    static void trainingCurves(Path file, String title, String lossLabel, Map<String, double[]> losses,
            Map<String, double[]> accuracies) {
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(14);
        NumberAxis loss = new NumberAxis(lossLabel);
        loss.setAutoRangeIncludesZero(true);
        NumberAxis acc = new NumberAxis("accuracy");
        acc.setAutoRangeIncludesZero(false);
        acc.setNumberFormatOverride(new DecimalFormat("0.00"));
        int colour = 0;
        for (var panel : List.of(Map.entry(loss, losses), Map.entry(acc, accuracies))) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            for (Map.Entry<String, double[]> e : panel.getValue().entrySet()) {
                XYSeries s = new XYSeries(e.getKey());
                double[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    s.add(i + 1, v[i]);
                }
                // Each series its own colour across both panels, so "test" is one colour throughout.
                r.setSeriesPaint(data.getSeriesCount(), PALETTE.get(colour++ % PALETTE.size()));
                r.setSeriesStroke(data.getSeriesCount(), new BasicStroke(2f));
                data.addSeries(s);
            }
            XYPlot sub = new XYPlot(data, null, panel.getKey(), r);
            style(sub);
            plot.add(sub, 1);
        }
        save(file, titled(title, plot, RectangleEdge.BOTTOM), 760, 620);
    }

    /**
     * Writes a grid of small greyscale images with a caption under each, such as misclassified
     * digits with their true and predicted labels. Drawn with Java2D (JFreeChart has no image
     * grid) and written with JFreeChart's PNG encoder, headless.
     *
     * @param file the PNG to write (parent directories are made)
     * @param title the line above the grid
     * @param images the images, each {@code side × side} values in [0, 1] row by row (1 is ink,
     *     drawn black on white)
     * @param side the images' height and width in pixels
     * @param captions one caption per image
     * @param columns images per row, ≥ 1
     * @throws IllegalArgumentException if the sizes do not fit or the file cannot be written
     */
    static void imageGrid(Path file, String title, List<double[]> images, int side, List<String> captions,
            int columns) {
        if (images.size() != captions.size() || columns < 1 || side < 1) {
            throw new IllegalArgumentException("image grid: " + images.size() + " images, " + captions.size()
                    + " captions, " + columns + " columns, side " + side);
        }
        int scale = Math.max(1, 72 / side);       // each image about 72 pixels square
        int cell = side * scale;
        int captionH = 18;
        int gap = 14;
        int titleH = 34;
        int cols = Math.max(1, Math.min(columns, images.size()));
        int rows = (images.size() + cols - 1) / cols;
        Font titleFont = new Font("SansSerif", Font.BOLD, 14);
        Font captionFont = new Font("SansSerif", Font.PLAIN, 12);
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        int titleW = sg.getFontMetrics(titleFont).stringWidth(title);
        sg.dispose();
        int width = Math.max(gap + titleW + gap, gap + cols * (cell + gap));
        int height = titleH + Math.max(1, rows) * (cell + captionH + gap) + gap;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            g.drawString(title, gap, 22);
            g.setFont(captionFont);
            if (images.isEmpty()) {
                g.drawString("(none)", gap, titleH + 20);
            }
            for (int k = 0; k < images.size(); k++) {
                double[] px = images.get(k);
                if (px.length != side * side) {
                    throw new IllegalArgumentException("image grid: image " + k + " has " + px.length
                            + " values, not " + side + "×" + side);
                }
                int x0 = gap + (k % cols) * (cell + gap);
                int y0 = titleH + (k / cols) * (cell + captionH + gap);
                for (int i = 0; i < side; i++) {
                    for (int j = 0; j < side; j++) {
                        int grey = (int) Math.round(255 * (1 - Math.max(0, Math.min(1, px[i * side + j]))));
                        g.setColor(new Color(grey, grey, grey));
                        g.fillRect(x0 + j * scale, y0 + i * scale, scale, scale);
                    }
                }
                g.setColor(new Color(0xbbbbbb));
                g.drawRect(x0 - 1, y0 - 1, cell + 1, cell + 1);
                g.setColor(Color.BLACK);
                g.drawString(captions.get(k), x0, y0 + cell + 14);
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream os = Files.newOutputStream(file)) {
                ChartUtils.writeBufferedImageAsPNG(os, img);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot write image " + file + ": " + e.getMessage(), e);
        }
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
