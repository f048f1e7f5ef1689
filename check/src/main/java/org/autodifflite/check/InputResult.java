package org.autodifflite.check;

import java.util.List;

/**
 * The check of one input of one node (or, end to end, of one parameter; or, in a reference
 * check, of the fused op's forward or one of its inputs): what was covered, how far the analytic
 * gradient is from the numeric one, the verdict and, for a failure, a diagnosis in words with the
 * worst entries.
 *
 * <p>Coverage in three numbers that add up to {@link #entriesTotal()}:
 * {@link #entriesVerified()} (compared one by one and decided), {@link #entriesSkipped()}
 * (compared, but at a kink: not decided) and {@link #entriesNotChecked()} (not visited: subset
 * and fast modes, or an input not checked at all). In fast mode the random directions cover every
 * entry at once ({@link #directions()}), not one by one.
 */
public final class InputResult {

    /**
     * Above this share of an input's checked entries skipped at kinks, its verdict rests on too
     * few entries to be trusted alone: the report calls it weak and says what to do.
     */
    public static final double WEAK_SKIP_SHARE = 0.10;

    private final String node;
    private final String op;
    private final int inputIndex;
    private final String inputName;
    private final String shape;
    private final boolean endToEnd;
    private final Verdict verdict;
    private final String explanation;
    /**
     * {@link #explanation} with the worst entries in words, made on first use: formatting the
     * entries' numbers cost a fifth of a seed-net end-to-end check that nobody printed.
     * Racy but benign: every thread computes the same immutable string.
     */
    private String diagnosis;
    private final List<EntryResult> worstEntries;
    private final int entriesChecked;
    private final int entriesTotal;
    private final int entriesSkipped;
    private final int directions;
    private final double relativeDifference;
    private final double maxAbsError;
    private final String parameter;
    private final Diagnosis.Words words;
    private final ErrorMap errorMap;
    /** ‖a − n‖², ‖a‖², ‖n‖² over the compared entries: pooled into the end-to-end difference. */
    double diff2;
    double analytic2;
    double numeric2;

    InputResult(String node, String op, int inputIndex, String inputName, String shape,
            boolean endToEnd, Verdict verdict, String explanation, List<EntryResult> worstEntries,
            int entriesChecked, int entriesTotal, int entriesSkipped, int directions,
            double relativeDifference, double maxAbsError, String parameter, Diagnosis.Words words,
            ErrorMap errorMap) {
        this.node = node;
        this.op = op;
        this.inputIndex = inputIndex;
        this.inputName = inputName;
        this.shape = shape;
        this.endToEnd = endToEnd;
        this.verdict = verdict;
        this.explanation = explanation;
        this.worstEntries = List.copyOf(worstEntries);
        this.words = words;
        this.entriesChecked = entriesChecked;
        this.entriesTotal = entriesTotal;
        this.entriesSkipped = entriesSkipped;
        this.directions = directions;
        this.relativeDifference = relativeDifference;
        this.maxAbsError = maxAbsError;
        this.parameter = parameter;
        this.errorMap = errorMap;
    }

    /** @return the node's label ({@code fc1}, {@code ReLU#4}); end to end, {@code "graph"} */
    public String node() {
        return node;
    }

    /** @return the op's name; end to end, {@code "end-to-end"} */
    public String op() {
        return op;
    }

    /**
     * @return the input's position in the op's inputs; end to end, the parameter's position; -1
     *     for the forward comparison of a reference check
     */
    public int inputIndex() {
        return inputIndex;
    }

    /** @return the op's name for the input ({@code "W"}); end to end, the parameter's name */
    public String inputName() {
        return inputName;
    }

    /**
     * @return the name of the parameter this input is ({@code "fc1.bias"} for input {@code b} of
     *     node {@code fc1}), or null when the input is not a parameter (data, another node's output,
     *     or a check of an op alone); end to end, the parameter's name
     */
    public String parameter() {
        return parameter;
    }

    /**
     * @return the name a summary uses: {@code fc1.b (= fc1.bias)} for a node input that is a
     *     parameter, {@code fc1.X} for another, {@code end-to-end fc1.bias} end to end
     */
    public String displayName() {
        if (endToEnd) {
            return "end-to-end " + inputName;
        }
        return node + "." + inputName + (parameter != null ? " (= " + parameter + ")" : "");
    }

    /** @return the input's shape, for example {@code 5×4} */
    public String shape() {
        return shape;
    }

    /** @return whether this result is of the end-to-end check (a parameter of the whole graph) */
    public boolean endToEnd() {
        return endToEnd;
    }

    /** @return the verdict for this input */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * @return what went wrong and how to fix it, in words (a constant ratio, a sign flip, all
     *     zero, transposed, ignoring the upstream gradient), followed by the worst entries; for a
     *     pass, a note on skipped entries or the empty string
     */
    public String diagnosis() {
        String d = diagnosis;
        if (d == null) {
            d = explanation + Diagnosis.worstText(worstEntries, words);
            diagnosis = d;
        }
        return d;
    }

    /** @return the {@link #diagnosis()} without the worst entries, which reports list apart */
    public String explanation() {
        return explanation;
    }

    /** @return the worst entries checked, worst first (at most a few; empty when all pass) */
    public List<EntryResult> worstEntries() {
        return worstEntries;
    }

    /**
     * @return how many entries were compared one by one, including those skipped at a kink
     *     ({@link #entriesVerified()} + {@link #entriesSkipped()})
     */
    public int entriesChecked() {
        return entriesChecked;
    }

    /** @return how many entries were compared one by one and decided (not skipped at a kink) */
    public int entriesVerified() {
        return entriesChecked - entriesSkipped;
    }

    /** @return how many entries the input has */
    public int entriesTotal() {
        return entriesTotal;
    }

    /** @return how many of the checked entries were skipped at a kink: compared but not decided */
    public int entriesSkipped() {
        return entriesSkipped;
    }

    /**
     * @return how many entries were not compared one by one (subset and fast modes, or an input
     *     that could not be checked); in fast mode, the random directions still cover them
     */
    public int entriesNotChecked() {
        return entriesTotal - entriesChecked;
    }

    /**
     * @return the share of the checked entries that were verified, in [0, 1]: 1 when none was
     *     skipped, and 1 for an input checked along random directions only (fast mode, all
     *     passing); 0 for an input not checked at all
     */
    public double verifiedShare() {
        if (entriesChecked == 0) {
            return directions > 0 && verdict.isPassing() && verdict != Verdict.SKIPPED ? 1 : 0;
        }
        return entriesVerified() / (double) entriesChecked;
    }

    /**
     * @return whether more than {@link #WEAK_SKIP_SHARE} of the checked entries were skipped at
     *     kinks, so that a pass rests on too few entries
     */
    public boolean weak() {
        return entriesChecked > 0 && entriesSkipped > WEAK_SKIP_SHARE * entriesChecked;
    }

    /** @return how many random directions were checked (fast mode), else 0 */
    public int directions() {
        return directions;
    }

    /**
     * @return {@code ‖analytic − numeric‖₂ / (‖analytic‖₂ + ‖numeric‖₂)} over the checked
     *     entries (the notebook's figure), 0 when both are zero, NaN if anything was not finite
     */
    public double relativeDifference() {
        return relativeDifference;
    }

    /** @return the largest {@code |analytic − numeric|} over the checked entries */
    public double maxAbsError() {
        return maxAbsError;
    }

    /** @return the names of the two sides compared (analytic/numeric, or fused/reference) */
    Diagnosis.Words words() {
        return words;
    }

    /** @return the error per entry of a failing input, downsampled if large; null for others */
    ErrorMap errorMap() {
        return errorMap;
    }

    @Override
    public String toString() {
        return node + " (" + op + ") input " + inputName + ": " + verdict
                + (diagnosis().isEmpty() ? "" : " — " + diagnosis());
    }
}
