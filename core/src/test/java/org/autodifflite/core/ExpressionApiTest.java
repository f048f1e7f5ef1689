package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.Function;
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
import org.junit.jupiter.api.Test;

/** The expression API on {@link Node}: each method records the right op, inputs and value. */
class ExpressionApiTest {

    private static Tensor t(int[] dims, double... values) {
        return Tensor.wrap(dims, values);
    }

    @Test
    void microgradStyleExpressionRecordsOneNodePerOpAndAConstantLeafPerNumber() {
        Graph g = new Graph();
        Node x = g.variable("x", 3);
        Node z = x.mul(2).add(2).add(x);

        List<Node> nodes = g.nodes();
        assertThat(nodes).extracting(Node::label)
                .containsExactly("x", "2.0#1", "Multiply#2", "2.0#3", "Add#4", "Add#5");
        assertThat(nodes).extracting(Node::kind).containsExactly(Node.Kind.INPUT, Node.Kind.CONSTANT, Node.Kind.OP,
                Node.Kind.CONSTANT, Node.Kind.OP, Node.Kind.OP);
        assertThat(nodes.get(2).op()).isInstanceOf(Multiply.class);
        assertThat(nodes.get(2).inputs()).containsExactly(x, nodes.get(1));
        assertThat(z.op()).isInstanceOf(Add.class);
        assertThat(z.inputs()).containsExactly(nodes.get(4), x);
        assertThat(z.item()).isEqualTo(2 * 3 + 2 + 3);

        Node two = nodes.get(1);
        assertThat(two.isLeaf()).isTrue();
        assertThat(two.requiresGrad()).isFalse();
        assertThat(two.rank()).isZero();
        assertThat(z.requiresGrad()).isTrue();

        g.backward(z);
        assertThat(x.grad().item()).isEqualTo(3.0);
        // Constants need no gradient: backward computes none for them.
        assertThat(two.grad()).isNull();
        assertThat(nodes.get(3).grad()).isNull();
    }

    @Test
    void aNodeUsedTwiceGetsTheSumOfItsGradients() {
        Graph g = new Graph();
        Node x = g.variable("x", t(new int[] {3}, 1, -2, 0.5));
        Node y = x.mul(x).sum();
        assertThat(y.inputs().get(0).inputs()).containsExactly(x, x);

        g.backward(y);

        // d(Σ x²)/dx = 2x: both uses of x contribute x
        assertThat(x.grad().data()).containsExactly(2, -4, 1);
    }

    @Test
    void readsLikeTheMathsForADenseLayer() {
        Graph g = new Graph();
        Node x = g.input("x", t(new int[] {2, 3}, 1, 2, 3, -1, 0, 1));
        Node w = g.parameter(new Parameter("w", t(new int[] {3, 2}, 1, 0, 0, 1, 1, -1)));
        Node b = g.parameter(new Parameter("b", t(new int[] {2}, 0.5, -10)));
        Node h = x.matmul(w).add(b).relu();

        assertThat(h.op()).isInstanceOf(ReLU.class);
        assertThat(h.dims()).containsExactly(2, 2);
        // x·w = [[4, -1], [0, -1]]; + b = [[4.5, -11], [0.5, -11]]
        assertThat(h.value().data()).containsExactly(4.5, 0, 0.5, 0);

        g.backward(h.sum());
        // only the first column is active: db = (2, 0), dw[:, 0] = Σ rows of x
        assertThat(b.grad().data()).containsExactly(2, 0);
        assertThat(w.grad().data()).containsExactly(0, 0, 2, 0, 4, 0);
        assertThat(x.grad()).isNull();
    }

    @Test
    void theGraphJavadocExampleRuns() {
        Graph g = new Graph();
        Node x = g.input("x", Tensor.wrap(new int[] {2, 1}, new double[] {1, 2}));
        Node w = g.parameter(new Parameter("fc.weight", Tensor.wrap(new int[] {1, 2}, new double[] {3, 4})));
        Node loss = w.matmul(x).relu().sum();
        g.backward(loss);
        assertThat(loss.item()).isEqualTo(11.0);
        assertThat(w.parameter().grad().data()).containsExactly(1, 2);
    }

    /** Applies {@code f} to a fresh graph's node {@code x} and returns the result. */
    private static Node on(Tensor x, Function<Node, Node> f) {
        Graph g = new Graph();
        return f.apply(g.variable("x", x));
    }

    private static void records(Node n, Class<? extends Op> op, double... values) {
        assertThat(n.op()).isInstanceOf(op);
        assertThat(n.value().data()).usingComparatorWithPrecision(1e-12).containsExactly(values);
    }

    @Test
    void arithmeticMethods() {
        Tensor x = t(new int[] {2}, 1, 4);
        records(on(x, n -> n.add(n)), Add.class, 2, 8);
        records(on(x, n -> n.add(0.5)), Add.class, 1.5, 4.5);
        records(on(x, n -> n.sub(n.mul(3))), Subtract.class, -2, -8);
        records(on(x, n -> n.sub(1)), Subtract.class, 0, 3);
        records(on(x, n -> n.mul(n)), Multiply.class, 1, 16);
        records(on(x, n -> n.mul(-2)), Multiply.class, -2, -8);
        records(on(x, n -> n.div(n.add(1))), Divide.class, 0.5, 0.8);
        records(on(x, n -> n.div(4)), Divide.class, 0.25, 1);
        records(on(x, Node::neg), Negate.class, -1, -4);
        records(on(x, n -> n.pow(1.5)), Pow.class, 1, 8);
        records(on(x, Node::exp), Exp.class, Math.E, Math.exp(4));
        records(on(x, Node::log), Log.class, 0, Math.log(4));
        records(on(x, Node::sqrt), Sqrt.class, 1, 2);
        records(on(x, n -> n.neg().abs()), Abs.class, 1, 4);
        records(on(x, n -> n.sub(2).relu()), ReLU.class, 0, 2);
        records(on(x, n -> n.sub(2).leakyRelu(0.1)), LeakyReLU.class, -0.1, 2);
        records(on(x, Node::sigmoid), Sigmoid.class, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(-4)));
        records(on(x, Node::tanh), Tanh.class, Math.tanh(1), Math.tanh(4));
        records(on(x, n -> n.minimum(n.graph().constant(2))), Minimum.class, 1, 2);
        records(on(x, n -> n.maximum(n.graph().constant(2))), Maximum.class, 2, 4);
        records(on(x, n -> n.clamp(1.5, 3)), Clamp.class, 1.5, 3);
    }

    @Test
    void matrixReductionAndShapeMethods() {
        Tensor m = t(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        records(on(m, n -> n.matmul(n.t())), MatMul.class, 14, 32, 32, 77);
        Node total = on(m, Node::sum);
        records(total, Sum.class, 21);
        assertThat(total.rank()).isZero();
        assertThat(((Sum) total.op()).axes()).isEmpty();
        records(on(m, n -> n.sum(0)), Sum.class, 5, 7, 9);
        Node kept = on(m, n -> n.sumKeepDims(-1));
        records(kept, Sum.class, 6, 15);
        assertThat(kept.dims()).containsExactly(2, 1);
        records(on(m, Node::mean), Mean.class, 3.5);
        records(on(m, n -> n.mean(1)), Mean.class, 2, 5);
        assertThat(on(m, n -> n.meanKeepDims(0)).dims()).containsExactly(1, 3);
        records(on(m, n -> n.max(1)), Max.class, 3, 6);
        records(on(m, n -> n.max()), Max.class, 6);
        assertThat(on(m, n -> n.maxKeepDims(1)).dims()).containsExactly(2, 1);
        records(on(m, n -> n.logsumexp(0)), LogSumExp.class, 4 + Math.log1p(Math.exp(-3)),
                5 + Math.log1p(Math.exp(-3)), 6 + Math.log1p(Math.exp(-3)));
        assertThat(on(m, n -> n.logsumexpKeepDims(0)).dims()).containsExactly(1, 3);
        Node r = on(m, n -> n.reshape(3, -1));
        records(r, Reshape.class, 1, 2, 3, 4, 5, 6);
        assertThat(r.dims()).containsExactly(3, 2);
        Node flat = on(m, Node::flatten);
        assertThat(flat.dims()).containsExactly(6);
        assertThat(flat.op()).isInstanceOf(Reshape.class);
        records(on(m, n -> n.permute(1, 0)), Permute.class, 1, 4, 2, 5, 3, 6);
        records(on(m, n -> n.transpose(0, -1)), Transpose.class, 1, 4, 2, 5, 3, 6);
        records(on(m, Node::t), Transpose.class, 1, 4, 2, 5, 3, 6);
        records(on(m, n -> n.slice(1, 1, 3)), Slice.class, 2, 3, 5, 6);
        records(on(m, n -> n.pad(new int[] {0, 1}, new int[] {0, 0}, -1)), Pad.class, -1, 1, 2, 3, -1, 4, 5, 6);
        records(on(m, n -> n.softmax(1).sum(1)), Sum.class, 1, 1);
        assertThat(on(m, n -> n.softmax(1)).op()).isInstanceOf(Softmax.class);
        records(on(m, n -> n.logSoftmax(0)), LogSoftmax.class, -3 - Math.log1p(Math.exp(-3)),
                -3 - Math.log1p(Math.exp(-3)), -3 - Math.log1p(Math.exp(-3)), -Math.log1p(Math.exp(-3)),
                -Math.log1p(Math.exp(-3)), -Math.log1p(Math.exp(-3)));
    }

    @Test
    void indexingWhereConcatAndApply() {
        Graph g = new Graph();
        Node table = g.variable("table", t(new int[] {3, 2}, 1, 2, 3, 4, 5, 6));
        Node ids = g.input("ids", t(new int[] {3}, 2, 0, 2));
        Node rows = table.indexSelect(0, ids);
        records(rows, IndexSelect.class, 5, 6, 1, 2, 5, 6);
        assertThat(rows.inputs()).containsExactly(table, ids);
        Node picked = table.gather(1, g.input("cols", t(new int[] {3, 1}, 1, 0, 1)));
        records(picked, Gather.class, 2, 3, 6);

        Node mask = g.input("mask", t(new int[] {2}, 1, 0));
        Node chosen = Node.where(mask, table, table.neg());
        records(chosen, Where.class, 1, -2, 3, -4, 5, -6);
        assertThat(chosen.inputs()).containsExactly(mask, table, chosen.inputs().get(2));

        Node joined = Node.concat(0, table, table.slice(0, 0, 1));
        records(joined, Concat.class, 1, 2, 3, 4, 5, 6, 1, 2);
        assertThat(joined.dims()).containsExactly(4, 2);

        Node custom = table.apply(new Multiply(), g.constant(10));
        records(custom, Multiply.class, 10, 20, 30, 40, 50, 60);
        assertThat(custom.inputs().get(0)).isSameAs(table);

        g.backward(rows.sum().add(picked.sum()));
        // row 2 selected twice, row 0 once; gather adds (0,1), (1,0), (2,1)
        assertThat(table.grad().data()).containsExactly(1, 2, 1, 0, 2, 3);
        assertThat(ids.grad()).isNull();
    }

    @Test
    void shapeAccessors() {
        Node n = on(Tensor.zeros(2, 3, 4), x -> x);
        assertThat(n.shape()).isEqualTo("2×3×4");
        assertThat(n.dims()).containsExactly(2, 3, 4);
        assertThat(n.dim(-1)).isEqualTo(4);
        assertThat(n.rank()).isEqualTo(3);
        assertThat(n.size()).isEqualTo(24);
        assertThat(on(Tensor.scalar(2.5), x -> x).item()).isEqualTo(2.5);
        assertThat(on(Tensor.zeros(1, 1), x -> x.add(7)).item()).isCloseTo(7, within(0.0));
    }

    @Test
    void misuseIsAClearError() {
        Graph g = new Graph();
        Node x = g.variable("x", Tensor.zeros(2, 3));
        Node y = new Graph().variable("y", Tensor.zeros(2, 3));

        assertThatThrownBy(() -> x.add(y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Add").hasMessageContaining("input 1 (b)")
                .hasMessageContaining("node 'y' of another graph").hasMessageContaining("same graph");
        assertThatThrownBy(() -> Node.where(x, x, y)).hasMessageContaining("Where")
                .hasMessageContaining("input 2 (b)").hasMessageContaining("of another graph");
        assertThatThrownBy(() -> Node.concat(0, x, y)).hasMessageContaining("of another graph");
        assertThatThrownBy(() -> Node.concat(0)).hasMessageContaining("give at least one node");
        assertThatThrownBy(x::item).hasMessageContaining("item(): node 'x' is 2×3 (6 entries)")
                .hasMessageContaining("sum()");
        assertThatThrownBy(() -> x.reshape(2, 3, 1).t()).hasMessageContaining("t(): node 'Reshape#1' is 2×3×1, rank 3")
                .hasMessageContaining("transpose(a, b)");
        assertThatThrownBy(() -> x.add(g.variable("z", Tensor.zeros(4))))
                .hasMessageContaining("Add: a of shape 2×3 and b of shape (4) do not broadcast");
    }
}
