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
     * The backward pass when some input gradients are not wanted: the engine passes
     * {@code needsInputGrad[i] == false} for an input that is data and depends on no parameter
     * (the first layer's {@code X}), as PyTorch's {@code ctx.needs_input_grad}. An op may then
     * skip that gradient's work and return {@code null} in its place; the engine never reads it.
     * The default ignores the hint and calls {@link #backward(Tensor[], Tensor, Tensor)}, so an
     * op needs this only when one of its gradients is expensive.
     *
     * @param inputs the values {@link #forward} was called with
     * @param output the value {@link #forward} returned for them
     * @param gradOutput the gradient of the loss with respect to {@code output}, shaped like it
     * @param needsInputGrad per input, whether its gradient is used; at least one is true
     * @return one gradient per input, each shaped like that input, or {@code null} where
     *     {@code needsInputGrad} is false
     */
    default Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput, boolean[] needsInputGrad) {
        return backward(inputs, output, gradOutput);
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
