package org.autodifflite.layers.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * What every loss op here shares: two inputs, a prediction (differentiable) and its labels or
 * targets (not differentiable, zero gradient), of the same shape, with at least one sample. The
 * loss itself, forward and backward, stays in each op's own file.
 */
abstract class LossOp implements Op {

    private final String name;
    private final String prediction;

    /**
     * @param name the op's name, for reports and messages
     * @param prediction the first input's name ({@code "A"} for probabilities, {@code "Z"} for logits)
     */
    LossOp(String name, String prediction) {
        this.name = name;
        this.prediction = prediction;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int arity() {
        return 2;
    }

    @Override
    public final String inputName(int index) {
        return switch (index) {
            case 0 -> prediction;
            case 1 -> "Y";
            default -> Op.super.inputName(index);
        };
    }

    /** Only the prediction is differentiable; the labels are data. */
    @Override
    public final boolean differentiable(int index) {
        return index == 0;
    }

    /**
     * Throws unless there are two inputs of the same shape with at least one sample.
     *
     * @param inputs what forward was given
     * @throws IllegalArgumentException naming the op, the inputs and their shapes
     */
    final void requirePredictionAndLabels(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        OpChecks.requireSameShape(name, prediction, inputs[0], "Y", inputs[1]);
        OpChecks.requireSamples(name, prediction, inputs[0]);
    }
}
