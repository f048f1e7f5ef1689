package org.autodifflite.check;

/**
 * What the checker decided about one entry, one input of a node, or one parameter end to end.
 *
 * <p>Only {@link #PASS} and {@link #SKIPPED} count as passing ({@link CheckReport#passed()});
 * every other verdict is a failure and says why in its diagnosis.
 */
public enum Verdict {
    /** analytic and numeric gradients agree within the numeric error estimate */
    PASS,
    /** analytic and numeric gradients disagree by more than the numeric error allows */
    FAIL,
    /**
     * not decided: the function has a kink within the step (left and right one-sided differences
     * disagree, such as a ReLU input at 0), so it is not differentiable there; or the input was
     * not checked at all because another input of the op holds NaN or infinity (which is then
     * {@link #NON_FINITE})
     */
    SKIPPED,
    /**
     * NaN or an infinity: in an input (the entry is named), or on the analytic or the numeric
     * side; never a pass
     */
    NON_FINITE,
    /**
     * the op breaks its contract: backward not linear in the upstream gradient, forward not
     * deterministic, an input modified, or gradients of the wrong number or shape
     */
    CONTRACT,
    /**
     * in a reference check ({@link GradientChecker#checkAgainst}), the fused op's forward differs
     * from its reference composition's: they do not compute the same function
     */
    FORWARD_DIFFERS;

    /** @return whether this verdict lets a check pass ({@link #PASS} or {@link #SKIPPED}) */
    public boolean isPassing() {
        return this == PASS || this == SKIPPED;
    }
}
