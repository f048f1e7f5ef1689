package org.autodifflite.check;

import java.util.List;

/**
 * The check of one entry of one input: where it is, both gradients and the verdict.
 *
 * @param index the entry's position in the input, one index per axis, outermost first: {@code [r, c]}
 *     for a matrix, {@code [n, c, h, w]} for an N×C×H×W tensor, {@code [k]} for a vector, empty for
 *     a rank-0 tensor
 * @param analytic the gradient from the op's backward (or the graph's backward, end to end; in a
 *     reference check, the fused op's backward)
 * @param numeric the central-difference estimate (in a reference check, the reference
 *     composition's gradient)
 * @param allowed the largest difference the checker accepts for this entry (the numeric error
 *     estimate times a safety factor plus the floor, or the floating-point bound of a reference
 *     check); NaN in seed mode, which uses one threshold for the whole input
 * @param verdict what was decided for this entry
 */
public record EntryResult(List<Integer> index, double analytic, double numeric, double allowed,
        Verdict verdict) {

    /**
     * @param index the entry's position, one index per axis
     * @param analytic the analytic gradient
     * @param numeric the numeric (or reference) gradient
     * @param allowed the largest accepted difference, or NaN
     * @param verdict the entry's verdict
     */
    public EntryResult {
        index = List.copyOf(index);
    }

    /**
     * @return the position as text, one index per axis: {@code (0, 2)} for a matrix,
     *     {@code (1, 0, 2, 3)} for rank 4, {@code (5)} for a vector, {@code ()} for rank 0
     */
    public String position() {
        StringBuilder sb = new StringBuilder("(");
        for (int a = 0; a < index.size(); a++) {
            sb.append(a == 0 ? "" : ", ").append(index.get(a));
        }
        return sb.append(')').toString();
    }

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
        return text("analytic", "numeric");
    }

    /**
     * @param a the name of the analytic side ({@code "fused"} in a reference check)
     * @param n the name of the numeric side ({@code "reference"})
     * @return for example {@code (0, 2): fused 1.200000e+00, reference 6.000000e-01}
     */
    String text(String a, String n) {
        // The text of "(%d, %d): analytic %.6e, numeric %.6e", built without java.util.Formatter.
        return position() + ": " + a + " " + Scientific.format(analytic, 6) + ", " + n + " "
                + Scientific.format(numeric, 6);
    }
}
