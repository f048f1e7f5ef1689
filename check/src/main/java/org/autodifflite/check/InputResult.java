package org.autodifflite.check;

import java.util.List;

/**
 * The check of one input of one node (or, end to end, of one parameter): what was covered, how
 * far the analytic gradient is from the numeric one, the verdict and, for a failure, a diagnosis
 * in words with the worst entries.
 */
public final class InputResult {

    private final String node;
    private final String op;
    private final int inputIndex;
    private final String inputName;
    private final String shape;
    private final boolean endToEnd;
    private final Verdict verdict;
    private final String diagnosis;
    private final List<EntryResult> worstEntries;
    private final int entriesChecked;
    private final int entriesTotal;
    private final int entriesSkipped;
    private final int directions;
    private final double relativeDifference;
    private final double maxAbsError;
    /** ‖a − n‖², ‖a‖², ‖n‖² over the compared entries: pooled into the end-to-end difference. */
    double diff2;
    double analytic2;
    double numeric2;

    InputResult(String node, String op, int inputIndex, String inputName, String shape,
            boolean endToEnd, Verdict verdict, String diagnosis, List<EntryResult> worstEntries,
            int entriesChecked, int entriesTotal, int entriesSkipped, int directions,
            double relativeDifference, double maxAbsError) {
        this.node = node;
        this.op = op;
        this.inputIndex = inputIndex;
        this.inputName = inputName;
        this.shape = shape;
        this.endToEnd = endToEnd;
        this.verdict = verdict;
        this.diagnosis = diagnosis;
        this.worstEntries = List.copyOf(worstEntries);
        this.entriesChecked = entriesChecked;
        this.entriesTotal = entriesTotal;
        this.entriesSkipped = entriesSkipped;
        this.directions = directions;
        this.relativeDifference = relativeDifference;
        this.maxAbsError = maxAbsError;
    }

    /** @return the node's label ({@code fc1}, {@code ReLU#4}); end to end, the parameter's name */
    public String node() {
        return node;
    }

    /** @return the op's name; end to end, {@code "end-to-end"} */
    public String op() {
        return op;
    }

    /** @return the input's position in the op's inputs; end to end, the parameter's position */
    public int inputIndex() {
        return inputIndex;
    }

    /** @return the op's name for the input ({@code "W"}); end to end, the parameter's name */
    public String inputName() {
        return inputName;
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
     *     zero, transposed, ignoring the upstream gradient, the worst entries); for a pass, a note
     *     on skipped entries or the empty string
     */
    public String diagnosis() {
        return diagnosis;
    }

    /** @return the worst entries checked, worst first (at most a few; empty when all pass) */
    public List<EntryResult> worstEntries() {
        return worstEntries;
    }

    /** @return how many entries were compared one by one */
    public int entriesChecked() {
        return entriesChecked;
    }

    /** @return how many entries the input has */
    public int entriesTotal() {
        return entriesTotal;
    }

    /** @return how many of the checked entries were skipped at a kink */
    public int entriesSkipped() {
        return entriesSkipped;
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

    @Override
    public String toString() {
        return node + " (" + op + ") input " + inputName + ": " + verdict
                + (diagnosis.isEmpty() ? "" : " — " + diagnosis);
    }
}
