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

    Subject(String label, String opName, Tensor[] values, boolean endToEnd) {
        this.label = label;
        this.opName = opName;
        this.values = values;
        this.endToEnd = endToEnd;
        this.contract = new String[values.length];
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
