package org.autodifflite.check;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.Tensor;

/**
 * One reusable output buffer of one op, kept up to date with as little work as the op allows:
 * {@link FastForward#forwardInto} for a whole evaluation, {@link FastForward#forwardEntriesInto} when only some
 * entries of one input differ from the unperturbed ("clean") inputs. It remembers which entries
 * its contents were last computed with, so that moving the perturbation from one entry to the
 * next costs two incremental updates (the old entry, now restored, and the new one) instead of a
 * whole forward.
 *
 * <p>Used only for ops that implement {@link FastForward}; one instance per thread, never shared.
 */
final class OpOutput {

    /** The contents are not known to be the op's output at inputs near the clean ones. */
    private static final int UNKNOWN = -1;

    private final FastForward op;
    private final Tensor out;
    /** The op's output at the clean inputs, or null if not known. */
    private final Tensor clean;
    /**
     * Whether to undo the previous perturbation by copying {@link #clean} rather than by an
     * incremental update: when the output is small next to the inputs (a layer's output next
     * to its weights), copying it costs far less than recomputing what an input entry touches.
     */
    private final boolean restoreByCopy;
    private boolean incremental;
    /** The input and entries in which the inputs of the last evaluation may differ from the clean ones. */
    private int lastInput = UNKNOWN;
    private int lastFrom;
    private int lastTo;

    /**
     * @param op the op
     * @param like a tensor shaped like the op's output
     * @param incremental whether to try {@link FastForward#forwardEntriesInto} (an op that has no
     *     incremental forward declines it once, and is then evaluated whole)
     * @param clean the op's output at the clean inputs, bit for bit as {@link FastForward#forwardInto}
     *     gives it, or null if not known
     * @param inputSize the total number of input entries (to choose how to undo a perturbation)
     */
    OpOutput(FastForward op, Tensor like, boolean incremental, Tensor clean, long inputSize) {
        this.op = op;
        this.out = Tensor.zerosLike(like);
        this.incremental = incremental;
        this.clean = clean;
        this.restoreByCopy = clean != null && out.size() * 8L < inputSize;
    }

    /**
     * Evaluates the op into the buffer.
     *
     * @param args the inputs now
     * @param input the input in which {@code args} may differ from the clean inputs, in the
     *     entries {@code [from, to)} only; or -1 if they may differ anywhere (an input computed
     *     by other perturbed nodes)
     * @param from the first entry that may differ (ignored when {@code input} is -1)
     * @param to one past the last
     * @return the buffer, holding the op's output at {@code args} bit for bit
     */
    Tensor evaluate(Tensor[] args, int input, int from, int to) {
        if (input >= 0 && incremental && lastInput != UNKNOWN) {
            // The buffer holds the output at inputs that differ from the clean ones only in
            // (lastInput, [lastFrom, lastTo)): redo those entries' outputs from the current
            // inputs, then this range's.
            boolean same = lastInput == input && lastFrom == from && lastTo == to;
            boolean ok = same;
            if (!same && restoreByCopy) {
                out.copyFrom(clean); // the output at the clean inputs: now only [from, to) differ
                ok = true;
            } else if (!same) {
                ok = op.forwardEntriesInto(out, lastInput, lastFrom, lastTo, args);
            }
            if (ok && op.forwardEntriesInto(out, input, from, to, args)) {
                lastInput = input;
                lastFrom = from;
                lastTo = to;
                return out;
            }
            incremental = false; // the op declined: whole evaluations from now on
        }
        op.forwardInto(out, args);
        lastInput = input >= 0 ? input : UNKNOWN;
        lastFrom = from;
        lastTo = to;
        return out;
    }
}
