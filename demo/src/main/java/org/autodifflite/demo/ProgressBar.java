package org.autodifflite.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar for training: {@code [#########...........]  45%  epoch 9/20  loss 0.1234}.
 *
 * <p>On a terminal it redraws one line in place (carriage return); when the output is a file or a
 * pipe it prints one line per update instead, so logs and captured output stay readable.
 */
final class ProgressBar {

    private final PrintStream out;
    private final int total;
    private final int width;
    private final boolean inPlace;
    private int drawn; // length of the half-drawn bar on the terminal, 0 if none

    /**
     * @param out where to draw
     * @param total the number of steps that make 100%
     * @param width the bar's width in characters
     * @param inPlace whether to redraw in place (a terminal) or print a line per update
     * @throws IllegalArgumentException if total or width is not positive
     */
    ProgressBar(PrintStream out, int total, int width, boolean inPlace) {
        if (total < 1 || width < 1) {
            throw new IllegalArgumentException("progress bar needs total ≥ 1 and width ≥ 1, got "
                    + total + " and " + width);
        }
        this.out = out;
        this.total = total;
        this.width = width;
        this.inPlace = inPlace;
    }

    /**
     * Renders the bar for a step, without printing it.
     *
     * @param done steps done, 0 … total
     * @param message text after the bar
     * @return the line
     */
    String render(int done, String message) {
        int d = Math.max(0, Math.min(total, done));
        int filled = (int) ((long) d * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", (int) ((long) d * 100 / total))
                + (message.isEmpty() ? "" : "  " + message);
    }

    /**
     * Draws the bar for a step.
     *
     * @param done steps done, 0 … total
     * @param message text after the bar
     */
    void update(int done, String message) {
        if (inPlace) {
            String line = render(done, message);
            out.print("\r" + line);
            drawn = done < total ? line.length() : 0;
            if (drawn == 0) {
                out.println();
            }
        } else {
            out.println(render(done, message));
        }
        out.flush();
    }

    /**
     * Prints a line of text above the bar: on a terminal the half-drawn bar is cleared first and
     * redrawn by the next {@link #update}.
     *
     * @param line the text
     */
    void println(String line) {
        if (drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            drawn = 0;
        }
        out.println(line);
        out.flush();
    }
}
