package org.autodifflite.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Describes in words what is wrong with a failed input, and how to fix it: a constant ratio
 * between the analytic and the numeric gradient ({@code analytic = 2.00 × numeric}), a sign
 * flip, an all-zero gradient, a transposed one, a flipped kernel (last two axes reversed), a
 * backward that ignores its upstream gradient, and the worst entries with both values.
 */
final class Diagnosis {

    /** How many of the worst entries a report lists. */
    static final int WORST = 3;

    /** The names of the two sides compared. */
    record Words(String a, String n) {
    }

    /** A gradient check: the op's backward against central differences. */
    static final Words NUMERIC = new Words("analytic", "numeric");
    /** A reference check: a fused op's backward against its composition's. */
    static final Words REFERENCE = new Words("fused", "reference");

    private Diagnosis() {
    }

    /** The checked entries of one input, as gathered by {@link InputChecker}. */
    static final class Entries {
        /** the input's dims, any rank */
        int[] dims = new int[0];
        int[] index;
        double[] analytic;
        /** the whole analytic gradient of the input (every entry, checked or not), or null */
        double[] fullAnalytic;
        double[] numeric;
        double[] numericOnes;
        /** the numeric error estimates, from the probes */
        double[] error;
        /** the probes' status ({@link Probe#OK}, {@link Probe#KINK}, {@link Probe#NON_FINITE}) */
        byte[] status;
        /** the allowed differences, set when the entries are decided */
        double[] allowed;
        Verdict[] verdicts;
        boolean complete;

        int size() {
            return index == null ? 0 : index.length;
        }

        String position(int k) {
            return Shapes.index(index[k], dims);
        }
    }

    /**
     * @param where the place to fix, e.g. {@code "W in Linear's backward"}
     * @param endToEnd whether the entries are of a whole graph's parameter
     * @return the diagnosis of a failed input, without the worst entries (see {@link #worst})
     */
    static String failure(Entries e, String where, boolean endToEnd) {
        return failure(e, where, endToEnd, NUMERIC);
    }

    /**
     * @param where the place to fix, e.g. {@code "W in Linear's backward"}
     * @param endToEnd whether the entries are of a whole graph's parameter
     * @param w the names of the two sides
     * @return the diagnosis of a failed input, without the worst entries (see {@link #worst})
     */
    static String failure(Entries e, String where, boolean endToEnd, Words w) {
        int n = e.size();
        if (n == 0) {
            return "the random-direction check failed for " + where;
        }
        double maxA = 0;
        double maxN = 0;
        double sumAN = 0;
        double sumNN = 0;
        int used = 0;
        for (int k = 0; k < n; k++) {
            if (!usable(e, k)) {
                continue;
            }
            maxA = Math.max(maxA, Math.abs(e.analytic[k]));
            maxN = Math.max(maxN, Math.abs(e.numeric[k]));
            sumAN += e.analytic[k] * e.numeric[k];
            sumNN += e.numeric[k] * e.numeric[k];
            used++;
        }
        String fix;
        if (used > 0 && maxA == 0 && maxN > 0) {
            fix = "the " + w.a() + " gradient is all zero but the " + w.n() + " one is not: the gradient for "
                    + where + " is missing (compute it and add it, do not leave it at zero)";
        } else if (used > 0 && ignoresUpstream(e) && !endToEnd) {
            fix = "backward ignores the upstream gradient: the " + w.a() + " gradient equals the " + w.n()
                    + " one computed with an upstream gradient of ones; multiply by gradOutput for " + where;
        } else if (used > 0 && sumNN > 0 && constantRatio(e, sumAN / sumNN, maxA)) {
            double r = sumAN / sumNN;
            if (Math.abs(r + 1) < 1e-3) {
                fix = "sign flip: " + w.a() + " = −1.00 × " + w.n() + " on " + entries(used)
                        + "; check the sign of the gradient for " + where;
            } else {
                fix = w.a() + " = " + Scientific.fixed(r, 2) + " × " + w.n() + " on " + entries(used)
                        + "; check the scale of the gradient for " + where + " (a factor such as 1/m, 2 or a "
                        + "repeated term)";
            }
        } else if (transposed(e)) {
            int r = e.dims.length;
            boolean square = e.dims[r - 1] == e.dims[r - 2];
            int[] t = e.dims.clone();
            t[r - 1] = e.dims[r - 2];
            t[r - 2] = e.dims[r - 1];
            fix = "transposed: " + w.a() + " ≈ " + w.n() + "ᵀ"
                    + (r > 2 ? " on the last two axes (" + (r - 2) + " and " + (r - 1) + ") of each of its "
                            + blocks(e.dims) + " matrices" : "")
                    + (square ? "" : " read in the shape " + Shapes.shape(e.dims) + " (the gradient was computed"
                            + " as its transpose, " + Shapes.shape(t) + ", and reshaped)")
                    + "; check the order of the matmul operands and the transposes in the gradient for " + where;
        } else if (flipped(e)) {
            fix = "flipped: " + w.a() + " ≈ " + w.n() + " with the last two axes reversed (each "
                    + e.dims[e.dims.length - 2] + "×" + e.dims[e.dims.length - 1] + " window rotated by 180°: for a"
                    + " convolution's kernel, the gradient computed as a convolution instead of a cross-correlation);"
                    + " check the order of the taps in the gradient for " + where;
        } else {
            int failed = 0;
            for (Verdict v : e.verdicts) {
                if (v == Verdict.FAIL) {
                    failed++;
                }
            }
            fix = failed + " of " + n + " checked entries differ by more than allowed" + slice(e, failed)
                    + "; check the gradient for " + where;
        }
        if (endToEnd) {
            fix += "; the per-node checks (checkGraph) show whether one node's backward is wrong, or"
                    + " the way gradients are summed where a value is used more than once";
        }
        return fix;
    }

    /** @return the number of matrices a tensor holds along its leading axes (all but the last two) */
    private static long blocks(int[] dims) {
        long b = 1;
        for (int a = 0; a < dims.length - 2; a++) {
            b *= dims[a];
        }
        return b;
    }

    /**
     * Where the failing entries lie, when they share an index along some axis that the checked
     * entries do not (one sample of a batch, one channel, one row): {@code ", all at index 1 of
     * axis 0"}; the empty string otherwise, or for a single failing entry (the worst entry names it).
     */
    static String slice(Entries e, int failed) {
        int rank = e.dims.length;
        if (failed < 2 || rank < 2) {
            return "";
        }
        int[] common = null;
        boolean[] varies = new boolean[rank];
        int[] first = null;
        for (int k = 0; k < e.size(); k++) {
            int[] at = Shapes.unravel(e.index[k], e.dims);
            first = first == null ? at : first;
            for (int a = 0; a < rank; a++) {
                varies[a] |= at[a] != first[a];
            }
            if (e.verdicts[k] != Verdict.FAIL) {
                continue;
            }
            if (common == null) {
                common = at.clone();
            } else {
                for (int a = 0; a < rank; a++) {
                    if (common[a] != at[a]) {
                        common[a] = -1;
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        int named = 0;
        for (int a = 0; a < rank && common != null; a++) {
            if (common[a] >= 0 && varies[a]) {
                sb.append(named++ == 0 ? ", all at index " : " and index ").append(common[a]).append(" of axis ")
                        .append(a);
            }
        }
        return named == rank ? "" : sb.toString();
    }

    private static String entries(int n) {
        return n == 1 ? "the 1 checked entry" : "all " + n + " checked entries";
    }

    /** The text for non-finite values. */
    static String nonFinite(Entries e, String where) {
        return nonFinite(e, where, NUMERIC);
    }

    /** The text for non-finite values, with the names of the two sides. */
    static String nonFinite(Entries e, String where, Words w) {
        for (int k = 0; k < e.size(); k++) {
            if (e.verdicts[k] == Verdict.NON_FINITE) {
                String at = " at " + e.position(k) + " for " + where;
                if (!Double.isFinite(e.analytic[k])) {
                    return "the " + w.a() + " gradient is not finite (" + w.a() + " " + e.analytic[k] + ", "
                            + w.n() + " " + e.numeric[k] + ")" + at + "; look for log(0), division by zero or"
                            + " overflow";
                }
                if (w == REFERENCE) {
                    return "the reference gradient is not finite (fused " + e.analytic[k] + ", reference "
                            + e.numeric[k] + ")" + at + "; the composition overflows or divides by zero where"
                            + " the fused op does not: compare them at a point where both are finite";
                }
                return "the numeric gradient is not finite (analytic " + e.analytic[k] + ", numeric "
                        + e.numeric[k] + ")" + at + ": the forward output is NaN or infinite within a"
                        + " step of the point, even with the step shrunk; is the point at the edge of the"
                        + " op's domain (log near 0)?";
            }
        }
        return "not finite for " + where;
    }

    /** The note listing entries skipped at kinks. */
    static String skipped(Entries e) {
        StringBuilder sb = new StringBuilder();
        int count = 0;
        for (int k = 0; k < e.size(); k++) {
            if (e.verdicts[k] == Verdict.SKIPPED) {
                if (count < WORST) {
                    sb.append(count == 0 ? "" : ", ").append(e.position(k));
                }
                count++;
            }
        }
        if (count == 0) {
            return "";
        }
        return count + " entr" + (count == 1 ? "y" : "ies") + " skipped at a kink (one-sided differences"
                + " disagree, not differentiable within the step): " + sb + (count > WORST ? ", …" : "");
    }

    /** The worst failing entries, worst first (largest excess over what is allowed). */
    static List<EntryResult> worst(Entries e) {
        List<Integer> bad = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
            if (e.verdicts[k] == Verdict.FAIL || e.verdicts[k] == Verdict.NON_FINITE) {
                bad.add(k);
            }
        }
        bad.sort(Comparator.comparingDouble((Integer k) -> -excess(e, k)).thenComparingInt(k -> k));
        List<EntryResult> out = new ArrayList<>();
        for (int q = 0; q < Math.min(WORST, bad.size()); q++) {
            int k = bad.get(q);
            out.add(new EntryResult(Shapes.indexList(e.index[k], e.dims), e.analytic[k], e.numeric[k],
                    e.allowed[k], e.verdicts[k]));
        }
        return out;
    }

    private static double excess(Entries e, int k) {
        double d = Math.abs(e.analytic[k] - e.numeric[k]);
        if (Double.isNaN(d)) {
            return Double.POSITIVE_INFINITY;
        }
        return Double.isNaN(e.allowed[k]) ? d : d - e.allowed[k];
    }

    /** @return {@code "; worst: (0, 2): analytic …, numeric …; …"}, or empty */
    static String worstText(List<EntryResult> worst, Words w) {
        if (worst.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; worst: ");
        for (int q = 0; q < worst.size(); q++) {
            sb.append(q == 0 ? "" : "; ").append(worst.get(q).text(w.a(), w.n()));
        }
        return sb.toString();
    }

    private static boolean usable(Entries e, int k) {
        return e.verdicts[k] != Verdict.SKIPPED && Double.isFinite(e.analytic[k]) && Double.isFinite(e.numeric[k]);
    }

    /** Whether analytic ≈ r·numeric on every usable entry (residual within 0.1% of the scale). */
    private static boolean constantRatio(Entries e, double r, double maxA) {
        if (!(Math.abs(r - 1) > 1e-3) || !Double.isFinite(r)) {
            return false;
        }
        for (int k = 0; k < e.size(); k++) {
            if (usable(e, k) && Math.abs(e.analytic[k] - r * e.numeric[k]) > 1e-3 * maxA + slack(e, k)) {
                return false;
            }
        }
        return true;
    }

    private static double slack(Entries e, int k) {
        return Double.isNaN(e.allowed[k]) ? 0 : e.allowed[k];
    }

    private static boolean ignoresUpstream(Entries e) {
        if (e.numericOnes == null) {
            return false;
        }
        boolean differs = false;
        for (int k = 0; k < e.size(); k++) {
            if (!usable(e, k)) {
                continue;
            }
            double a = e.analytic[k];
            double o = e.numericOnes[k];
            double tol = 1e-4 * Math.max(Math.abs(a), Math.abs(o)) + 10 * slack(e, k);
            if (!(Math.abs(a - o) <= tol)) {
                return false;
            }
            differs |= Math.abs(a - e.numeric[k]) > slack(e, k);
        }
        return differs;
    }

    /**
     * Whether the analytic gradient is the numeric one with its last two axes reversed — entry
     * {@code (…, u, v)} where {@code (…, kh−1−u, kw−1−v)} belongs, each kh×kw window rotated by
     * 180° — the mistake of a convolution's kernel gradient taken as a convolution instead of a
     * cross-correlation. Every checked entry must agree, compared with the entry of the whole
     * analytic gradient where the hypothesis puts it, and at least two must have moved (the
     * centre of an odd window stays put), so a sample of entries is enough.
     */
    static boolean flipped(Entries e) {
        int rank = e.dims.length;
        if (rank < 2 || e.fullAnalytic == null) {
            return false;
        }
        int kh = e.dims[rank - 2];
        int kw = e.dims[rank - 1];
        if (kh * kw < 2) {
            return false;
        }
        double scale = 0;
        for (double v : e.fullAnalytic) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        int moved = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!usable(e, k)) {
                return false;
            }
            int m = e.index[k];
            int block = m / (kh * kw);
            int within = m % (kh * kw);
            int at = block * kh * kw + (kh - 1 - within / kw) * kw + (kw - 1 - within % kw);
            if (Math.abs(e.fullAnalytic[at] - e.numeric[k]) > 1e-4 * scale + 2 * slack(e, k)) {
                return false;
            }
            if (at != m) {
                moved++;
            }
        }
        return moved >= 2;
    }

    /**
     * Whether the analytic gradient is the numeric one transposed over the last two axes, its
     * row-major data then read in the input's shape: for a square matrix the plain transpose; for
     * an r × c matrix, the c × r transpose reshaped to r × c (a gradient computed transposed and
     * reshaped to fit). Every checked entry not skipped at a kink must agree, compared with the
     * entry of the whole analytic gradient where the hypothesis puts it, so a sample of entries is
     * enough.
     */
    static boolean transposed(Entries e) {
        int rank = e.dims.length;
        if (rank < 2 || e.fullAnalytic == null) {
            return false;
        }
        int r = e.dims[rank - 2];
        int c = e.dims[rank - 1];
        if (r < 2 || c < 2) {
            return false; // a vector read back in its own shape is itself
        }
        double scale = 0;
        for (double v : e.fullAnalytic) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        int moved = 0;
        for (int k = 0; k < e.size(); k++) {
            if (!usable(e, k)) {
                continue; // a kink's numeric value decides nothing (a max-pool window of ties)
            }
            int m = e.index[k];
            int block = m / (r * c);
            int within = m % (r * c);
            int j = within / c; // numeric entry (j, i) of the r × c input
            int i = within % c;
            int at = block * r * c + i * r + j; // where the transposed-and-reshaped gradient puts it
            double a = e.fullAnalytic[at];
            if (Math.abs(a - e.numeric[k]) > 1e-4 * scale + 2 * slack(e, k)) {
                return false;
            }
            if (at != m) {
                moved++;
            }
        }
        return moved >= 2;
    }
}
