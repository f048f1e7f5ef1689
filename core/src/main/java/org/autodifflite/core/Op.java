package org.autodifflite.core;

/**
 * One differentiable function with a hand-written backward pass: the contract every node of a
 * {@link Graph} obeys and the only thing the gradient checker needs.
 *
 * <p>An op is a pure function. {@link #forward} maps input tensors to an output tensor;
 * {@link #backward} maps (inputs, output, gradient of the loss with respect to the output) to one
 * gradient per input — a vector-Jacobian product — each shaped like its input. An op keeps no
 * state between calls and never modifies its inputs: parameters, data and random masks are all
 * leaves of the graph, passed in as inputs. That is what lets the checker run any node alone and
 * lets a graph be replayed after its parameters change.
 *
 * <p>A minimal op, {@code y = x²} element-wise:
 * <pre>{@code
 * Op square = new Op() {
 *     public String name() { return "Square"; }
 *     public Tensor forward(Tensor... in) { return in[0].multiply(in[0]); }
 *     public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
 *         return new Tensor[] { g.multiply(in[0]).scale(2) };
 *     }
 * };
 * }</pre>
 */
public interface Op {

    /** @return a short name for reports and error messages, for example {@code "Linear"} */
    String name();

    /**
     * Computes the output. Must not modify {@code inputs} and must give the same result for the
     * same inputs.
     *
     * @param inputs the input values, in the op's order
     * @return a new output tensor
     * @throws IllegalArgumentException if the number or shapes of the inputs are wrong; the
     *     message names the op and the shapes
     */
    Tensor forward(Tensor... inputs);

    /**
     * Computes the gradient of the loss with respect to each input, given the gradient with
     * respect to the output. Must be linear in {@code gradOutput} and must not modify any
     * argument.
     *
     * @param inputs the values {@link #forward} was called with
     * @param output the value {@link #forward} returned for them
     * @param gradOutput the gradient of the loss with respect to {@code output}, shaped like it
     * @return one gradient per input, each shaped like that input (for an input that is not
     *     differentiable, such as labels, a tensor of zeros)
     */
    Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput);

    /**
     * Computes the output into {@code out} instead of a new tensor: afterwards {@code out} holds,
     * bit for bit, what {@link #forward} returns for the same inputs. Callers that evaluate an
     * op many times (the gradient checker: several evaluations per perturbed entry) reuse one
     * output buffer this way.
     *
     * <p>The default calls {@link #forward} and copies the result; ops override it to write
     * straight into {@code out} and allocate nothing. An override must give exactly the bits of
     * {@code forward}, or a check of the op would check another function.
     *
     * @param out the output buffer, shaped like {@code forward}'s result for these inputs; it is
     *     none of the inputs
     * @param inputs the input values, in the op's order; not modified
     * @throws IllegalArgumentException if the inputs are wrong (as {@link #forward}), or
     *     {@code out}'s shape is not the output's
     */
    default void forwardInto(Tensor out, Tensor... inputs) {
        Tensor y = forward(inputs);
        if (y == null || !y.sameShape(out)) {
            throw new IllegalArgumentException(name() + ": forwardInto was given a " + out.shape()
                    + " output buffer but forward returned " + (y == null ? "null" : y.shape())
                    + "; pass a buffer shaped like the output");
        }
        out.copyFrom(y);
    }

    /**
     * Incremental forward after some entries of one input changed: recomputes, from the current
     * inputs, every entry of {@code out} that depends on any of the entries {@code [from, to)}
     * (row-major) of input {@code input}, and leaves all other entries of {@code out} untouched.
     * So if {@code out} held {@code forward(inputs')} for inputs that differ from {@code inputs}
     * at most in those entries, it afterwards holds {@code forward(inputs)}, bit for bit. The
     * gradient checker perturbs one entry (or a range of them) at a time; for
     * {@code Z = W·X + b}, changing {@code W(r,c)} changes only row {@code r} of {@code Z}, a
     * fraction of the work of a whole forward.
     *
     * <p>The default does nothing and returns {@code false}: the caller then calls
     * {@link #forwardInto}. An op that overrides it must recompute every output entry those
     * input entries can influence (whatever their values), each with exactly the operations of
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

    /**
     * The number of inputs the op takes, or -1 if it takes any number. The graph checks it.
     *
     * @return the arity, or -1
     */
    default int arity() {
        return -1;
    }

    /**
     * A name for an input, used in reports ({@code "W"}, {@code "b"}, {@code "labels"}).
     *
     * @param index the input's position
     * @return its name; by default {@code "input0"}, {@code "input1"}, …
     */
    default String inputName(int index) {
        return "input" + index;
    }

    /**
     * Whether the output depends differentiably on an input. The checker skips inputs that are
     * not (labels, integer class indices); their backward gradient is ignored.
     *
     * @param index the input's position
     * @return {@code true} by default
     */
    default boolean differentiable(int index) {
        return true;
    }

    /**
     * Throws unless {@code inputs} holds exactly {@code op.arity()} tensors, none null. Ops call
     * it at the top of {@link #forward}, since the checker calls them without a graph.
     *
     * @param op the op being called
     * @param inputs what it was given
     * @throws IllegalArgumentException naming the op, the expected inputs and what was given
     */
    static void requireInputs(Op op, Tensor[] inputs) {
        int n = op.arity();
        if (inputs == null || (n >= 0 && inputs.length != n)) {
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < n; i++) {
                names.append(i == 0 ? "" : ", ").append(op.inputName(i));
            }
            throw new IllegalArgumentException(op.name() + " expects " + n + " input"
                    + (n == 1 ? "" : "s") + " (" + names + "), got "
                    + (inputs == null ? "null" : String.valueOf(inputs.length)));
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException(op.name() + ": input " + i + " ("
                        + op.inputName(i) + ") is null");
            }
        }
    }
}
