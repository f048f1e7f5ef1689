package org.autodifflite.check;

import org.autodifflite.core.Tensor;

/**
 * A function checked input by input: one op alone (its output weighted by a random upstream
 * gradient), or a whole graph's scalar loss over its parameters. Holds the unperturbed output,
 * the weights {@code u}, the analytic gradients and any contract breaches found while preparing.
 */
abstract class Subject {

    /** How many outputs a probe holds at once: f(x ± h) and f(x ± h/2). */
    static final int SLOTS = 4;

    /** A thread-private view of the function whose inputs can be perturbed in place. */
    interface Evaluator {
        /**
         * @param i an input
         * @return this evaluator's private copy of input {@code i}, perturbed in place by the
         *     caller and restored to the exact saved value afterwards
         */
        Tensor input(int i);

        /**
         * @param i the input that was perturbed
         * @param from the first of the entries {@code [from, to)} of input {@code i} that may
         *     differ from the original (perturbed now, or perturbed and then restored by an
         *     earlier call with the same range), or -1 when any entries may differ; it lets an op
         *     redo only what those entries influence
         * @param to one past the last such entry
         * @param slot which of {@link #SLOTS} output buffers to write: the outputs of the other
         *     slots stay as they are, so a probe can hold up to four evaluations at once
         * @return the function's output with the private inputs as they are now; valid until the
         *     next call with the same slot
         */
        Tensor evaluate(int i, int from, int to, int slot);
    }

    final String label;
    final String opName;
    final Tensor[] values;
    final boolean endToEnd;
    Tensor output;
    double[] u;
    Tensor[] analytic;
    /** Per input, a contract breach in words, or null. */
    String[] contract;
    /**
     * Per input, why it is {@link Verdict#NON_FINITE} before any difference is taken (it, or a
     * non-differentiable input beside it, holds NaN or infinity), or null.
     */
    String[] nonFinite;
    /** Per input, why it is not checked at all (another input holds NaN or infinity), or null. */
    String[] blocked;
    /** Per input, the name of the parameter it is, or null. */
    String[] parameters;

    Subject(String label, String opName, Tensor[] values, boolean endToEnd) {
        this.label = label;
        this.opName = opName;
        this.values = values;
        this.endToEnd = endToEnd;
        this.contract = new String[values.length];
        this.nonFinite = new String[values.length];
        this.blocked = new String[values.length];
        this.parameters = new String[values.length];
    }

    /**
     * Names non-finite inputs before anything is compared: an input that holds NaN or infinity
     * is {@link Verdict#NON_FINITE} with the entry named, and the other inputs are not checked
     * (every output that input reaches is not finite, so their differences would be too). When
     * only inputs that are not checked themselves (data, labels) hold them, every checked input
     * is {@link Verdict#NON_FINITE}, naming that input.
     *
     * @param describe per input, the words that name it, for example
     *     {@code "X of node 'fc1' (Linear)"}
     */
    void findNonFinite(java.util.function.IntFunction<String> describe) {
        findNonFinite(values, this::differentiable, describe, nonFinite, blocked);
    }

    /**
     * {@link #findNonFinite(java.util.function.IntFunction)} for any inputs.
     *
     * @param values the inputs
     * @param differentiable which inputs are checked
     * @param describe per input, the words that name it
     * @param nonFinite filled with the texts of inputs that are {@link Verdict#NON_FINITE}
     * @param blocked filled with the texts of inputs that are not checked
     */
    static void findNonFinite(Tensor[] values, java.util.function.IntPredicate differentiable,
            java.util.function.IntFunction<String> describe, String[] nonFinite, String[] blocked) {
        String first = null;
        String data = null;
        for (int i = 0; i < values.length; i++) {
            // The words are made only for an input that needs them: every check calls this.
            String text = values[i].isFinite() ? null : nonFiniteText(values[i], describe.apply(i));
            if (text == null) {
                continue;
            }
            if (differentiable.test(i)) {
                nonFinite[i] = text + "; the checker needs finite inputs: fix the data, or whatever computed"
                        + " this value";
                first = first == null ? text : first;
            } else if (data == null) {
                data = text;
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!differentiable.test(i) || nonFinite[i] != null) {
                continue;
            }
            if (first != null) {
                blocked[i] = "not checked: " + first + ", so every output it reaches is not finite";
            } else if (data != null) {
                nonFinite[i] = "not checked: " + data + ", so the output is not finite; the checker needs"
                        + " finite inputs: fix the data";
            }
        }
    }

    /** @return e.g. {@code "X of Linear holds NaN at (0, 1) (2 of 12 entries not finite)"}, or null */
    static String nonFiniteText(Tensor t, String who) {
        double[] d = t.data();
        int first = -1;
        int count = 0;
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                count++;
                if (first < 0) {
                    first = k;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        return who + " holds " + d[first] + " at " + Shapes.index(first, Shapes.dims(t))
                + (count > 1 ? " (" + count + " of " + d.length + " entries are NaN or infinite)" : "");
    }

    abstract String inputName(int i);

    abstract boolean differentiable(int i);

    /** @return a new evaluator with its own copies of everything it perturbs */
    abstract Evaluator newEvaluator();

    /** Records a contract breach for an input (the first one found is kept). */
    void breach(int input, String message) {
        if (contract[input] == null) {
            contract[input] = message;
        }
    }

    /** Records a contract breach for every input. */
    void breachAll(String message) {
        for (int i = 0; i < contract.length; i++) {
            breach(i, message);
        }
    }
}
