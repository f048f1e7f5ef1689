package org.autodifflite.core;

import java.util.List;
import org.autodifflite.core.ops.Abs;
import org.autodifflite.core.ops.Add;
import org.autodifflite.core.ops.Clamp;
import org.autodifflite.core.ops.Concat;
import org.autodifflite.core.ops.Divide;
import org.autodifflite.core.ops.Exp;
import org.autodifflite.core.ops.Gather;
import org.autodifflite.core.ops.IndexSelect;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.Log;
import org.autodifflite.core.ops.LogSoftmax;
import org.autodifflite.core.ops.LogSumExp;
import org.autodifflite.core.ops.MatMul;
import org.autodifflite.core.ops.Max;
import org.autodifflite.core.ops.Maximum;
import org.autodifflite.core.ops.Mean;
import org.autodifflite.core.ops.Minimum;
import org.autodifflite.core.ops.Multiply;
import org.autodifflite.core.ops.Negate;
import org.autodifflite.core.ops.Pad;
import org.autodifflite.core.ops.Permute;
import org.autodifflite.core.ops.Pow;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Reshape;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Slice;
import org.autodifflite.core.ops.Softmax;
import org.autodifflite.core.ops.Sqrt;
import org.autodifflite.core.ops.Subtract;
import org.autodifflite.core.ops.Sum;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.core.ops.Transpose;
import org.autodifflite.core.ops.Where;

/**
 * One value in a {@link Graph}: a leaf (an input or a parameter) or the result of applying an
 * {@link Op} to earlier nodes. It holds its current value and, after {@link Graph#backward}, the
 * gradient of the loss with respect to it.
 *
 * <p>Nodes are made only by a graph; their position in it ({@link #index()}) is a topological
 * order.
 *
 * <p><b>The expression API.</b> Each method below applies one primitive op of
 * {@link org.autodifflite.core.ops} to this node (and its operands) in this node's graph, so code
 * reads like the maths and differentiates itself:
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Node x = g.variable("x", -4);
 * Node z = x.mul(2).add(2).add(x);
 * Node q = z.relu().add(z.mul(x));
 * g.backward(q);                      // x.grad().item() is dq/dx
 *
 * Node h = x.matmul(w).add(b).relu(); // a dense layer: x batch×in, w in×out, b (out)
 * }</pre>
 *
 * <p>A number operand becomes a {@link Graph#constant(double) constant} leaf (rank 0, so it
 * broadcasts against any shape) that needs no gradient. Every operand must be a node of the same
 * graph; the binary ops broadcast as NumPy does. Each method evaluates at once, so a shape
 * mistake throws where it is made, naming the op and the shapes.
 */
public final class Node {

    /** What produced a node. */
    public enum Kind {
        /** data fed from outside, such as a batch or its labels */
        INPUT,
        /** a trainable {@link Parameter} */
        PARAMETER,
        /** a number the expression API was given, such as the 2 in {@code x.mul(2)} */
        CONSTANT,
        /** the output of an {@link Op} */
        OP
    }

    private final Graph graph;
    private final int index;
    private final String label;
    private final Kind kind;
    private final Op op;
    private final List<Node> inputs;
    private final Parameter parameter;
    private final boolean requiresGrad;
    Tensor value;
    Tensor grad;

    Node(Graph graph, int index, String label, Kind kind, Op op, List<Node> inputs,
            Parameter parameter, Tensor value, boolean requiresGrad) {
        this.graph = graph;
        this.index = index;
        this.label = label;
        this.kind = kind;
        this.op = op;
        this.inputs = inputs;
        this.parameter = parameter;
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** @return the graph this node belongs to */
    public Graph graph() {
        return graph;
    }

    /** @return the position in the graph's creation (topological) order */
    public int index() {
        return index;
    }

    /** @return the label used in reports: the input's or parameter's name, or the op node's label */
    public String label() {
        return label;
    }

    /** @return what produced this node */
    public Kind kind() {
        return kind;
    }

    /**
     * @return whether {@link Graph#backward} computes this node's gradient: true for parameters
     *     and variables and for every op node that depends on one, false for data and constants
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** @return whether this node is a leaf: an input, a variable, a parameter or a constant */
    public boolean isLeaf() {
        return kind != Kind.OP;
    }

    /** @return the op that produced this node, or {@code null} for a leaf */
    public Op op() {
        return op;
    }

    /** @return the nodes this one was computed from, in the op's input order (empty for a leaf) */
    public List<Node> inputs() {
        return inputs;
    }

    /** @return the parameter behind a parameter node, or {@code null} */
    public Parameter parameter() {
        return parameter;
    }

    /** @return the current value (live: do not modify an op node's value) */
    public Tensor value() {
        return value;
    }

    /**
     * @return the gradient of the loss with respect to this node from the latest
     *     {@link Graph#backward}, or {@code null} if the loss does not depend on it or backward has
     *     not run
     */
    public Tensor grad() {
        return grad;
    }

    // ---- the expression API: each method applies one primitive op in this node's graph ----

    /**
     * Applies any op with this node as its first input: the way in for a custom op.
     *
     * @param op the op
     * @param more its further inputs, in order, all of this node's graph
     * @return the op's node
     * @throws IllegalArgumentException if an input is of another graph, their number is not the
     *     op's arity, or the op rejects their shapes
     */
    public Node apply(Op op, Node... more) {
        Node[] inputs = new Node[more.length + 1];
        inputs[0] = this;
        System.arraycopy(more, 0, inputs, 1, more.length);
        return graph.apply(op, inputs);
    }

    /**
     * @param other the addend, broadcasting against this node
     * @return {@code this + other} ({@link Add})
     */
    public Node add(Node other) {
        return graph.apply(new Add(), this, other);
    }

    /**
     * @param c a number
     * @return {@code this + c}, {@code c} a constant leaf
     */
    public Node add(double c) {
        return add(graph.constant(c));
    }

    /**
     * @param other the subtrahend, broadcasting against this node
     * @return {@code this − other} ({@link Subtract})
     */
    public Node sub(Node other) {
        return graph.apply(new Subtract(), this, other);
    }

    /**
     * @param c a number
     * @return {@code this − c}, {@code c} a constant leaf
     */
    public Node sub(double c) {
        return sub(graph.constant(c));
    }

    /**
     * @param other the factor, broadcasting against this node
     * @return {@code this ⊙ other}, element-wise ({@link Multiply}; for the matrix product see
     *     {@link #matmul})
     */
    public Node mul(Node other) {
        return graph.apply(new Multiply(), this, other);
    }

    /**
     * @param c a number
     * @return {@code c · this}, {@code c} a constant leaf
     */
    public Node mul(double c) {
        return mul(graph.constant(c));
    }

    /**
     * @param other the divisor, broadcasting against this node
     * @return {@code this / other}, element-wise ({@link Divide})
     */
    public Node div(Node other) {
        return graph.apply(new Divide(), this, other);
    }

    /**
     * @param c a number
     * @return {@code this / c}, {@code c} a constant leaf (for {@code c / x} write
     *     {@code graph.constant(c).div(x)})
     */
    public Node div(double c) {
        return div(graph.constant(c));
    }

    /** @return {@code −this} ({@link Negate}) */
    public Node neg() {
        return graph.apply(new Negate(), this);
    }

    /**
     * @param exponent a finite power
     * @return {@code thisᵖ} element-wise ({@link Pow})
     */
    public Node pow(double exponent) {
        return graph.apply(new Pow(exponent), this);
    }

    /** @return {@code e^this} element-wise ({@link Exp}) */
    public Node exp() {
        return graph.apply(new Exp(), this);
    }

    /** @return {@code ln this} element-wise ({@link Log}) */
    public Node log() {
        return graph.apply(new Log(), this);
    }

    /** @return {@code √this} element-wise ({@link Sqrt}) */
    public Node sqrt() {
        return graph.apply(new Sqrt(), this);
    }

    /** @return {@code |this|} element-wise ({@link Abs}) */
    public Node abs() {
        return graph.apply(new Abs(), this);
    }

    /** @return {@code max(0, this)} element-wise ({@link ReLU}) */
    public Node relu() {
        return graph.apply(new ReLU(), this);
    }

    /**
     * @param slope the factor for non-positive entries
     * @return the leaky rectifier of this node ({@link LeakyReLU})
     */
    public Node leakyRelu(double slope) {
        return graph.apply(new LeakyReLU(slope), this);
    }

    /** @return the logistic function of this node ({@link Sigmoid}) */
    public Node sigmoid() {
        return graph.apply(new Sigmoid(), this);
    }

    /** @return the hyperbolic tangent of this node ({@link Tanh}) */
    public Node tanh() {
        return graph.apply(new Tanh(), this);
    }

    /**
     * @param other broadcasting against this node
     * @return {@code min(this, other)} element-wise; a tie sends the gradient to this node
     *     ({@link Minimum})
     */
    public Node minimum(Node other) {
        return graph.apply(new Minimum(), this, other);
    }

    /**
     * @param other broadcasting against this node
     * @return {@code max(this, other)} element-wise; a tie sends the gradient to this node
     *     ({@link Maximum})
     */
    public Node maximum(Node other) {
        return graph.apply(new Maximum(), this, other);
    }

    /**
     * @param lo the lower bound
     * @param hi the upper bound, ≥ {@code lo}
     * @return this node clamped into {@code [lo, hi]} ({@link Clamp})
     */
    public Node clamp(double lo, double hi) {
        return graph.apply(new Clamp(lo, hi), this);
    }

    /**
     * @param other the right operand, rank ≥ 2, its batch axes broadcasting against this node's
     * @return the (batched) matrix product {@code this · other} ({@link MatMul})
     */
    public Node matmul(Node other) {
        return graph.apply(new MatMul(), this, other);
    }

    /** @return the sum of all entries, rank 0 ({@link Sum}) */
    public Node sum() {
        return graph.apply(new Sum(new int[0], false), this);
    }

    /**
     * @param axes the axes to sum over (negative count from the end); none means all
     * @return the sums, without the reduced axes ({@link Sum})
     */
    public Node sum(int... axes) {
        return graph.apply(new Sum(axes, false), this);
    }

    /**
     * @param axes the axes to sum over; none means all
     * @return the sums, the reduced axes kept with length 1 ({@link Sum})
     */
    public Node sumKeepDims(int... axes) {
        return graph.apply(new Sum(axes, true), this);
    }

    /** @return the mean of all entries, rank 0 ({@link Mean}) */
    public Node mean() {
        return graph.apply(new Mean(new int[0], false), this);
    }

    /**
     * @param axes the axes to average over; none means all
     * @return the means, without the reduced axes ({@link Mean})
     */
    public Node mean(int... axes) {
        return graph.apply(new Mean(axes, false), this);
    }

    /**
     * @param axes the axes to average over; none means all
     * @return the means, the reduced axes kept with length 1 ({@link Mean})
     */
    public Node meanKeepDims(int... axes) {
        return graph.apply(new Mean(axes, true), this);
    }

    /**
     * @param axes the axes to take the maximum over; none means all
     * @return the maxima, without the reduced axes ({@link Max})
     */
    public Node max(int... axes) {
        return graph.apply(new Max(axes, false), this);
    }

    /**
     * @param axes the axes to take the maximum over; none means all
     * @return the maxima, the reduced axes kept with length 1 ({@link Max})
     */
    public Node maxKeepDims(int... axes) {
        return graph.apply(new Max(axes, true), this);
    }

    /**
     * @param axes the axes to reduce; none means all
     * @return {@code ln Σ e^this} over them, computed stably, without the reduced axes
     *     ({@link LogSumExp})
     */
    public Node logsumexp(int... axes) {
        return graph.apply(new LogSumExp(axes, false), this);
    }

    /**
     * @param axes the axes to reduce; none means all
     * @return {@code ln Σ e^this} over them, the reduced axes kept with length 1
     *     ({@link LogSumExp})
     */
    public Node logsumexpKeepDims(int... axes) {
        return graph.apply(new LogSumExp(axes, true), this);
    }

    /**
     * @param dims the new shape, the same number of entries; one size may be −1 (inferred)
     * @return the same entries, row-major, in that shape ({@link Reshape})
     */
    public Node reshape(int... dims) {
        return graph.apply(new Reshape(dims), this);
    }

    /** @return the entries as a rank-1 node, row-major ({@link Reshape} to {@code (−1)}) */
    public Node flatten() {
        return reshape(-1);
    }

    /**
     * @param axes a permutation of this node's axes
     * @return this node with its axes in that order ({@link Permute})
     */
    public Node permute(int... axes) {
        return graph.apply(new Permute(axes), this);
    }

    /**
     * @param a one axis
     * @param b another axis
     * @return this node with the two axes swapped ({@link Transpose})
     */
    public Node transpose(int a, int b) {
        return graph.apply(new Transpose(a, b), this);
    }

    /**
     * The matrix transpose of a rank-2 node.
     *
     * @return this node with its two axes swapped ({@link Transpose})
     * @throws IllegalArgumentException if this node is not of rank 2
     */
    public Node t() {
        if (value.rank() != 2) {
            throw new IllegalArgumentException("t(): node '" + label + "' is " + value.shape() + ", rank "
                    + value.rank() + "; t() transposes a rank-2 node (use transpose(a, b) or permute(…) for others)");
        }
        return transpose(0, 1);
    }

    /**
     * @param axis the axis to slice
     * @param start the first index kept
     * @param end one past the last index kept
     * @return the entries {@code start … end−1} along the axis ({@link Slice})
     */
    public Node slice(int axis, int start, int end) {
        return graph.apply(new Slice(axis, start, end), this);
    }

    /**
     * @param before per axis, the entries of {@code value} ahead of this node's
     * @param after per axis, the entries behind
     * @param value the padding value
     * @return this node padded ({@link Pad})
     */
    public Node pad(int[] before, int[] after, double value) {
        return graph.apply(new Pad(before, after, value), this);
    }

    /**
     * @param axis the axis to pick along
     * @param indices integer indices, of this node's rank (data: no gradient flows to them)
     * @return {@code torch.gather} of this node, shaped like {@code indices} ({@link Gather})
     */
    public Node gather(int axis, Node indices) {
        return graph.apply(new Gather(axis), this, indices);
    }

    /**
     * @param axis the axis to select along
     * @param indices a rank-1 node of integer indices (data: no gradient flows to them)
     * @return the slices of this node at those indices, an embedding lookup along axis 0
     *     ({@link IndexSelect})
     */
    public Node indexSelect(int axis, Node indices) {
        return graph.apply(new IndexSelect(axis), this, indices);
    }

    /**
     * @param axis the axis the probabilities sum to 1 along
     * @return the softmax of this node ({@link Softmax})
     */
    public Node softmax(int axis) {
        return graph.apply(new Softmax(axis), this);
    }

    /**
     * @param axis the axis the probabilities sum to 1 along
     * @return the log-softmax of this node, computed stably ({@link LogSoftmax})
     */
    public Node logSoftmax(int axis) {
        return graph.apply(new LogSoftmax(axis), this);
    }

    /**
     * Element-wise choice between two nodes.
     *
     * @param mask where non-zero, take {@code a}; data (no gradient flows to it)
     * @param a the values where the mask is non-zero
     * @param b the values elsewhere
     * @return {@code mask ≠ 0 ? a : b}, all three broadcast together ({@link Where})
     */
    public static Node where(Node mask, Node a, Node b) {
        return mask.graph.apply(new Where(), mask, a, b);
    }

    /**
     * Joins nodes along an axis.
     *
     * @param axis the axis to join along
     * @param nodes one or more nodes of one graph, equal in every size but the axis's
     * @return them concatenated ({@link Concat})
     * @throws IllegalArgumentException if no node is given
     */
    public static Node concat(int axis, Node... nodes) {
        if (nodes == null || nodes.length == 0 || nodes[0] == null) {
            throw new IllegalArgumentException("Node.concat: no nodes; give at least one node to concatenate");
        }
        return nodes[0].graph.apply(new Concat(axis), nodes);
    }

    // ---- the value's shape ----

    /**
     * @return the value of a node holding one entry (rank 0, or any shape of size 1)
     * @throws IllegalArgumentException if the value has more or fewer entries than one
     */
    public double item() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("item(): node '" + label + "' is " + value.shape() + " ("
                    + value.size() + " entries); item() reads a node of one entry (reduce it first, e.g. sum())");
        }
        return value.data()[0];
    }

    /** @return the value's shape as text, for example {@code 2×3}, {@code (5)} or {@code ()} */
    public String shape() {
        return value.shape();
    }

    /** @return the value's dimensions (a copy) */
    public int[] dims() {
        return value.dims();
    }

    /**
     * @param axis an axis, negative counting from the end
     * @return the value's size along it
     */
    public int dim(int axis) {
        return value.dim(axis);
    }

    /** @return the value's number of axes */
    public int rank() {
        return value.rank();
    }

    /** @return the value's number of entries */
    public int size() {
        return value.size();
    }

    @Override
    public String toString() {
        return "Node " + index + " '" + label + "' (" + (op == null ? kind.name().toLowerCase(java.util.Locale.ROOT)
                : op.name()) + ", " + value.shape() + ")";
    }
}
