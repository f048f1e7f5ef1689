package org.autodifflite.check;

/**
 * The check of one entry of one input: where it is, both gradients and the verdict.
 *
 * @param row the entry's row in the input
 * @param col the entry's column in the input
 * @param analytic the gradient from the op's backward (or the graph's backward, end to end)
 * @param numeric the central-difference estimate
 * @param allowed the largest difference the checker accepts for this entry (the numeric error
 *     estimate times a safety factor plus the floor); NaN in seed mode, which uses one threshold
 *     for the whole input
 * @param verdict what was decided for this entry
 */
public record EntryResult(int row, int col, double analytic, double numeric, double allowed,
        Verdict verdict) {

    /** @return {@code |analytic − numeric|} */
    public double absoluteError() {
        return Math.abs(analytic - numeric);
    }

    /** @return {@code |analytic − numeric| / (|analytic| + |numeric|)}, 0 when both are 0 */
    public double relativeDifference() {
        double d = Math.abs(analytic) + Math.abs(numeric);
        return d == 0 ? 0 : Math.abs(analytic - numeric) / d;
    }

    /** @return for example {@code (0, 2): analytic 1.200000e+00, numeric 6.000000e-01} */
    @Override
    public String toString() {
        // The text of "(%d, %d): analytic %.6e, numeric %.6e", built without java.util.Formatter.
        return "(" + row + ", " + col + "): analytic " + Scientific.format(analytic, 6) + ", numeric "
                + Scientific.format(numeric, 6);
    }
}
