package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Add;
import org.autodifflite.core.ops.Divide;
import org.autodifflite.core.ops.MatMul;
import org.autodifflite.core.ops.Maximum;
import org.autodifflite.core.ops.Minimum;
import org.autodifflite.core.ops.Multiply;
import org.autodifflite.core.ops.Subtract;
import org.autodifflite.core.ops.Where;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classic broadcasting bug, planted into every broadcasting op: the gradient of a broadcast
 * input not summed back over the broadcast axes, or summed over the wrong axis. The checker must
 * fail exactly that input and name it; the correct op must pass on the same inputs.
 */
class BroadcastBugTest {

    /**
     * The gradient of input {@code i} before the reduction over its broadcast axes: the op's own
     * gradient for that input broadcast up front to {@code wide} (a broadcast copy's gradient is
     * the unreduced one).
     */
    static Tensor unreduced(Op op, Tensor[] inputs, Tensor output, Tensor g, int i, int[] wide) {
        Tensor[] widened = inputs.clone();
        widened[i] = inputs[i].broadcastTo(wide);
        return op.backward(widened, output, g)[i];
    }

    /** The op with input {@code i}'s gradient left unreduced: shaped {@code wide}, not like the input. */
    static Op forgetsReduction(Op op, int i, int[] wide) {
        return new ForwardingOp(op) {
            @Override
            public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor g) {
                Tensor[] grads = super.backward(inputs, output, g);
                grads[i] = unreduced(op, inputs, output, g, i, wide);
                return grads;
            }
        };
    }

    /**
     * The op with input {@code i}'s gradient summed over {@code axis}, not over the axis the input
     * was broadcast along, then reshaped to the input's shape: the right shape, the wrong values.
     */
    static Op reducesWrongAxis(Op op, int i, int[] wide, int axis) {
        return new ForwardingOp(op) {
            @Override
            public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor g) {
                Tensor[] grads = super.backward(inputs, output, g);
                grads[i] = unreduced(op, inputs, output, g, i, wide).sum(new int[] {axis}, true)
                        .reshape(inputs[i].dims());
                return grads;
            }
        };
    }

    static Tensor t(long seed, int... dims) {
        return Tensor.randn(dims, seed);
    }

    /** Entries k/2 + offset: two such tensors with offsets 1/4 apart never tie. */
    static Tensor grid(long seed, double offset, int... dims) {
        return new Draw(seed).grid(dims, offset);
    }

    /** Away from 0, for divisors. */
    static Tensor divisor(long seed, int... dims) {
        return new Draw(seed).uniform(dims, 0.5, 2);
    }

    static Named<Op> named(Op op) {
        return Named.of(op.name(), op);
    }

    /**
     * Per op: inputs where input {@code forgotInput} is broadcast (to {@code forgotWide}), and
     * inputs where input {@code wrongInput} is broadcast along one axis of a square output, so a
     * sum over the other axis still fits its shape.
     */
    static Stream<Arguments> ops() {
        return Stream.of(
                Arguments.of(named(new Add()), new Tensor[] {t(1, 3), t(2, 2, 3)}, 0, new int[] {2, 3},
                        new Tensor[] {t(3, 3, 3), t(4, 3, 1)}, 1, 0),
                Arguments.of(named(new Subtract()), new Tensor[] {t(5, 2, 3), Tensor.scalar(0.7)}, 1, new int[] {2, 3},
                        new Tensor[] {t(6, 1, 3), t(7, 3, 3)}, 0, 1),
                Arguments.of(named(new Multiply()), new Tensor[] {t(8, 2, 1, 3), t(9, 4, 3)}, 0, new int[] {2, 4, 3},
                        new Tensor[] {t(10, 3, 3), t(11, 3, 1)}, 1, 0),
                Arguments.of(named(new Divide()), new Tensor[] {t(12, 2, 3), divisor(13, 3)}, 1, new int[] {2, 3},
                        new Tensor[] {t(14, 3, 1), divisor(15, 3, 3)}, 0, 0),
                Arguments.of(named(new Minimum()), new Tensor[] {grid(16, 0, 3), grid(17, 0.25, 2, 3)}, 0, new int[] {2, 3},
                        new Tensor[] {grid(18, 0, 3, 3), grid(19, 0.25, 1, 3)}, 1, 1),
                Arguments.of(named(new Maximum()), new Tensor[] {grid(20, 0, 2, 3), grid(21, 0.25, 2, 1)}, 1,
                        new int[] {2, 3}, new Tensor[] {grid(22, 0.25, 3, 1), grid(23, 0, 3, 3)}, 0, 0),
                Arguments.of(named(new Where()), new Tensor[] {new Draw(24).mask(new int[] {2, 3}), t(25, 3), t(26, 2, 3)}, 1,
                        new int[] {2, 3},
                        new Tensor[] {new Draw(27).mask(new int[] {3, 3}), t(28, 3, 3), t(29, 3, 1)}, 2, 0),
                // MatMul: b 4×5 broadcast over a's batch of 2; a 1×2×3 over b's batch of 2, and
                // the wrong sum over a's rows (2, like the batch) fits a's shape.
                Arguments.of(named(new MatMul()), new Tensor[] {t(30, 2, 3, 4), t(31, 4, 5)}, 1, new int[] {2, 4, 5},
                        new Tensor[] {t(32, 1, 2, 3), t(33, 2, 3, 2)}, 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void aForgottenReductionIsAContractViolationNamingTheInput(Op op, Tensor[] inputs, int input, int[] wide,
            Tensor[] square, int wrongInput, int wrongAxis) {
        assertThat(GradientChecker.defaults().checkOp(op, inputs).passed()).isTrue();

        CheckReport report = GradientChecker.defaults().checkOp(forgetsReduction(op, input, wide), inputs);

        assertThat(report.passed()).isFalse();
        String culprit = op.inputName(input);
        String wrongShape = "gradient for " + culprit + " of shape " + inputs[input].shape();
        // The culprit's own result names the misshapen gradient; the other inputs are only
        // flagged as broken by another input (their gradients cannot be trusted either).
        List<InputResult> named = report.results().stream().filter(r -> r.diagnosis().contains(wrongShape)).toList();
        assertThat(named).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo(culprit);
            assertThat(f.verdict()).isEqualTo(Verdict.CONTRACT);
        });
        // The report wraps long diagnoses at 120 columns: compare with the line breaks folded.
        assertThat(report.render().replaceAll("\\s+", " ")).contains(named.get(0).diagnosis().replaceAll("\\s+", " "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void aReductionOverTheWrongAxisFailsNamingTheInput(Op op, Tensor[] inputs, int input, int[] wide,
            Tensor[] square, int wrongInput, int wrongAxis) {
        assertThat(GradientChecker.defaults().checkOp(op, square).passed()).isTrue();
        int[] out = op.forward(square).dims();
        int[] wideWrong = op instanceof MatMul ? new int[] {out[0], square[0].dim(-2), square[0].dim(-1)} : out;

        CheckReport report = GradientChecker.defaults().checkOp(reducesWrongAxis(op, wrongInput, wideWrong,
                wrongAxis), square);

        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo(op.inputName(wrongInput));
            assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
        });
        assertThat(report.summary()).contains(op.name() + "." + op.inputName(wrongInput));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void theEngineRejectsTheUnreducedGradientNamingTheInput(Op op, Tensor[] inputs, int input, int[] wide,
            Tensor[] square, int wrongInput, int wrongAxis) {
        Graph g = new Graph();
        Node[] nodes = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            nodes[i] = g.variable("in" + i, inputs[i]);
        }
        Node y = g.apply(forgetsReduction(op, input, wide), nodes).sum();

        assertThatThrownBy(() -> g.backward(y)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("input " + input + " (" + op.inputName(input) + ", node 'in" + input + "')")
                .hasMessageContaining("of shape " + inputs[input].shape());
    }
}
