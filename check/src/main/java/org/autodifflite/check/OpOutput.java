package org.autodifflite.check;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * One reusable output buffer of one op, kept up to date with as little work as the op allows:
 * {@link Op#forwardInto} for a whole evaluation, {@link Op#forwardEntryInto} when only one input
 * entry differs from the unperturbed ("clean") inputs. It remembers which entry its contents
 * were last computed with, so that moving the perturbation from one entry to the next costs two
 * incremental updates (the old entry, now restored, and the new one) instead of a whole forward.
 *
 * <p>Used only for ops that override {@link Op#forwardInto} (see {@link #overridesForwardInto});
 * one instance per thread, never shared.
 */
final class OpOutput {

    /** The contents are not known to be the op's output at inputs near the clean ones. */
    private static final int UNKNOWN = -1;

    private final Op op;
    private final Tensor out;
    private boolean incremental;
    /** The input and entry in which the inputs of the last evaluation may differ from the clean ones. */
    private int lastInput = UNKNOWN;
    private int lastEntry;

    /**
     * @param op the op
     * @param like a tensor shaped like the op's output
     * @param incremental whether the op overrides {@link Op#forwardEntryInto}
     */
    OpOutput(Op op, Tensor like, boolean incremental) {
        this.op = op;
        this.out = Tensor.zerosLike(like);
        this.incremental = incremental;
    }

    /**
     * Evaluates the op into the buffer.
     *
     * @param args the inputs now
     * @param input the input in which {@code args} may differ from the clean inputs in one entry
     *     only, or -1 if they may differ anywhere (a direction, or an input computed by other
     *     perturbed nodes)
     * @param entry that entry (ignored when {@code input} is -1)
     * @return the buffer, holding the op's output at {@code args} bit for bit
     */
    Tensor evaluate(Tensor[] args, int input, int entry) {
        if (input >= 0 && incremental && lastInput != UNKNOWN) {
            // The buffer holds the output at inputs that differ from the clean ones only in
            // (lastInput, lastEntry): redo that entry's outputs from the current inputs, then this one's.
            boolean ok = lastInput == input && lastEntry == entry
                    || op.forwardEntryInto(out, lastInput, lastEntry, args);
            if (ok && op.forwardEntryInto(out, input, entry, args)) {
                lastInput = input;
                lastEntry = entry;
                return out;
            }
            incremental = false; // the op declined: whole evaluations from now on
        }
        op.forwardInto(out, args);
        lastInput = input >= 0 ? input : UNKNOWN;
        lastEntry = entry;
        return out;
    }

    /** @return whether the op's class overrides {@link Op#forwardInto} (an allocation-free forward) */
    static boolean overridesForwardInto(Op op) {
        return overrides(op, "forwardInto", Tensor.class, Tensor[].class);
    }

    /** @return whether the op's class overrides {@link Op#forwardEntryInto} (an incremental forward) */
    static boolean overridesForwardEntryInto(Op op) {
        return overrides(op, "forwardEntryInto", Tensor.class, int.class, int.class, Tensor[].class);
    }

    private static boolean overrides(Op op, String name, Class<?>... types) {
        try {
            return op.getClass().getMethod(name, types).getDeclaringClass() != Op.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return false;
        }
    }
}
