package org.autodifflite.core;

/**
 * An op that can also evaluate itself without allocating and incrementally: an optional speed-up
 * for callers that evaluate one op many times at nearly the same inputs — the gradient checker
 * takes several evaluations per perturbed entry. The checker finds it with {@code instanceof};
 * an op that does not implement it is checked all the same, through {@link Op#forward}.
 *
 * <p>Both methods must give exactly the bits of {@link Op#forward}, or a check of the op would
 * check another function. Element-wise ops get both for free from
 * {@link org.autodifflite.core.ops.ElementwiseOp}.
 */
public interface FastForward extends Op {

    /**
     * Computes the output into {@code out} instead of a new tensor: afterwards {@code out} holds,
     * bit for bit, what {@link #forward} returns for the same inputs, and nothing was allocated.
     *
     * @param out the output buffer, shaped like {@code forward}'s result for these inputs; it is
     *     none of the inputs
     * @param inputs the input values, in the op's order; not modified
     * @throws IllegalArgumentException if the inputs are wrong (as {@link #forward}), or
     *     {@code out}'s shape is not the output's
     */
    void forwardInto(Tensor out, Tensor... inputs);

    /**
     * Incremental forward after some entries of one input changed: recomputes, from the current
     * inputs, every entry of {@code out} that depends on any of the entries {@code [from, to)}
     * (row-major) of input {@code input}, and leaves all other entries of {@code out} untouched.
     * So if {@code out} held {@code forward(inputs')} for inputs that differ from {@code inputs}
     * at most in those entries, it afterwards holds {@code forward(inputs)}, bit for bit. For
     * {@code Z = W·X + b}, changing {@code W(r,c)} changes only row {@code r} of {@code Z}, a
     * fraction of the work of a whole forward.
     *
     * <p>The default does nothing and returns {@code false}: the caller then calls
     * {@link #forwardInto}. An override must recompute every output entry those input entries
     * can influence (whatever their values), each with exactly the operations of
     * {@code forward}; it may recompute more.
     *
     * @param out the output buffer (see above); not one of the inputs
     * @param input the position of the input whose entries changed
     * @param from the first changed entry, row-major
     * @param to one past the last changed entry ({@code from ≤ to ≤ size})
     * @param inputs the input values now, in the op's order; not modified
     * @return {@code true} if {@code out} was brought up to date, {@code false} if the op has no
     *     incremental forward (then {@code out} is unchanged)
     * @throws IllegalArgumentException if the inputs are wrong (as {@link #forward}), or the
     *     input or range does not exist
     */
    default boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        return false;
    }
}
