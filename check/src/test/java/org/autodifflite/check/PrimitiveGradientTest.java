package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.Function;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Abs;
import org.autodifflite.core.ops.Add;
import org.autodifflite.core.ops.Clamp;
import org.autodifflite.core.ops.Concat;
import org.autodifflite.core.ops.Divide;
import org.autodifflite.core.ops.Exp;
import org.autodifflite.core.ops.Gather;
import org.autodifflite.core.ops.IndexSelect;
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
import org.autodifflite.core.ops.Reshape;
import org.autodifflite.core.ops.Slice;
import org.autodifflite.core.ops.Softmax;
import org.autodifflite.core.ops.Sqrt;
import org.autodifflite.core.ops.Subtract;
import org.autodifflite.core.ops.Sum;
import org.autodifflite.core.ops.Transpose;
import org.autodifflite.core.ops.Where;
import org.junit.jupiter.api.Test;

/**
 * Every primitive op's backward against central differences, on {@value #CASES} seeded random
 * cases each: ranks 0–4, sizes 1–4, random broadcast patterns, axes, keepDims, slices, pads,
 * permutations and index tensors, values away from kinks and inside each op's domain. Every
 * differentiable input of every case must be checked entry by entry and pass (not merely be
 * skipped), so a wrong entry anywhere fails the test with the case's seed, shapes and report.
 */
class PrimitiveGradientTest {

    static final int CASES = 1000;

    /** One random case: the op and its inputs, drawn from a seeded {@link Draw}. */
    record Case(Op op, Tensor... inputs) {
    }

    /** Checks {@value #CASES} cases drawn by {@code make}, each from its own seed. */
    private static void checkAll(String name, Function<Draw, Case> make) {
        int entries = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = name.hashCode() * 1_000_003L + i;
            Case c = make.apply(new Draw(seed));
            CheckReport report = GradientChecker.defaults().withThreads(1).withSeed(seed).checkOp(c.op(), c.inputs());
            int differentiable = 0;
            for (int k = 0; k < c.inputs().length; k++) {
                differentiable += c.op().differentiable(k) ? 1 : 0;
            }
            String where = name + " case " + i + " (seed " + seed + ") inputs " + shapes(c.inputs()) + ":\n";
            assertThat(report.results()).as(where + report.render()).hasSize(differentiable)
                    .allSatisfy(r -> {
                        assertThat(r.verdict()).as(where + report.render()).isEqualTo(Verdict.PASS);
                        assertThat(r.entriesChecked()).as(where + r).isEqualTo(r.entriesTotal());
                    });
            for (InputResult r : report.results()) {
                entries += r.entriesChecked();
            }
        }
        // The cases really do cover entries (not a run of empty tensors).
        assertThat(entries).as(name + ": entries checked").isGreaterThan(CASES);
    }

    private static String shapes(Tensor[] inputs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < inputs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(inputs[i].shape());
        }
        return sb.append(']').toString();
    }

    /** Two operands of a random broadcast pattern, drawn by {@code values}. */
    private static Tensor[] pair(Draw d, java.util.function.BiFunction<Draw, int[], Tensor> values) {
        int[][] s = d.broadcastPair(d.shape(0, 4));
        return new Tensor[] {values.apply(d, s[0]), values.apply(d, s[1])};
    }

    @Test
    void add() {
        checkAll("Add", d -> new Case(new Add(), pair(d, Draw::normal)));
    }

    @Test
    void subtract() {
        checkAll("Subtract", d -> new Case(new Subtract(), pair(d, Draw::normal)));
    }

    @Test
    void multiply() {
        checkAll("Multiply", d -> new Case(new Multiply(), pair(d, Draw::normal)));
    }

    @Test
    void divide() {
        checkAll("Divide", d -> {
            int[][] s = d.broadcastPair(d.shape(0, 4));
            // |b| ≥ 0.5: away from the pole at 0
            Tensor b = d.uniform(s[1], 0.5, 2).multiply(d.coin() ? Tensor.scalar(1) : Tensor.scalar(-1));
            return new Case(new Divide(), d.normal(s[0]), b);
        });
    }

    @Test
    void minimum() {
        // a on the grid k/2, b on k/2 + 1/4: never a tie, so never a kink
        checkAll("Minimum", d -> {
            int[][] s = d.broadcastPair(d.shape(0, 4));
            return new Case(new Minimum(), d.grid(s[0], 0), d.grid(s[1], 0.25));
        });
    }

    @Test
    void maximum() {
        checkAll("Maximum", d -> {
            int[][] s = d.broadcastPair(d.shape(0, 4));
            return new Case(new Maximum(), d.grid(s[0], 0.25), d.grid(s[1], 0));
        });
    }

    @Test
    void where() {
        checkAll("Where", d -> {
            int[] out = d.shape(0, 4);
            int[][] ab = d.broadcastPair(out);
            return new Case(new Where(), d.mask(d.operandOf(out)), d.normal(ab[0]), d.normal(ab[1]));
        });
    }

    @Test
    void matMul() {
        checkAll("MatMul", d -> {
            int[] batch = d.shape(0, 2);
            int[][] bs = d.broadcastPair(batch);
            int n = d.between(1, 4);
            int k = d.between(1, 4);
            int m = d.between(1, 4);
            return new Case(new MatMul(), d.normal(concat(bs[0], n, k)), d.normal(concat(bs[1], k, m)));
        });
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = rows;
        out[batch.length + 1] = cols;
        return out;
    }

    @Test
    void negate() {
        checkAll("Negate", d -> new Case(new Negate(), d.normal(d.shape(0, 4))));
    }

    @Test
    void exp() {
        checkAll("Exp", d -> new Case(new Exp(), d.normal(d.shape(0, 4))));
    }

    @Test
    void log() {
        checkAll("Log", d -> new Case(new Log(), d.uniform(d.shape(0, 4), 0.2, 3)));
    }

    @Test
    void sqrt() {
        checkAll("Sqrt", d -> new Case(new Sqrt(), d.uniform(d.shape(0, 4), 0.2, 3)));
    }

    @Test
    void abs() {
        checkAll("Abs", d -> new Case(new Abs(), d.awayFrom(d.shape(0, 4), 0.1, 0)));
    }

    @Test
    void pow() {
        checkAll("Pow", d -> {
            int[] s = d.shape(0, 4);
            if (d.coin()) {
                // a non-integer power: positive inputs only
                return new Case(new Pow(d.rnd.nextDouble(-2.5, 3.5)), d.uniform(s, 0.2, 3));
            }
            // an integer power, negative inputs too (away from the pole of negative powers)
            return new Case(new Pow(d.between(-3, 4)), d.awayFrom(s, 0.3, 0));
        });
    }

    @Test
    void clamp() {
        checkAll("Clamp", d -> {
            double lo = d.rnd.nextDouble(-1.5, 0.5);
            double hi = lo + d.rnd.nextDouble(0.2, 2);
            return new Case(new Clamp(lo, hi), d.awayFrom(d.shape(0, 4), 0.05, lo, hi));
        });
    }

    @Test
    void sum() {
        checkAll("Sum", d -> {
            int[] s = d.shape(0, 4);
            return new Case(new Sum(d.axes(s.length), d.coin()), d.normal(s));
        });
    }

    @Test
    void mean() {
        checkAll("Mean", d -> {
            int[] s = d.shape(0, 4);
            return new Case(new Mean(d.axes(s.length), d.coin()), d.normal(s));
        });
    }

    @Test
    void max() {
        // distinct entries: no tie for a maximum, so no kink
        checkAll("Max", d -> {
            int[] s = d.shape(0, 4);
            return new Case(new Max(d.axes(s.length), d.coin()), d.distinct(s));
        });
    }

    @Test
    void logSumExp() {
        checkAll("LogSumExp", d -> {
            int[] s = d.shape(0, 4);
            return new Case(new LogSumExp(d.axes(s.length), d.coin()), d.normal(s).multiply(Tensor.scalar(3)));
        });
    }

    @Test
    void reshape() {
        checkAll("Reshape", d -> {
            int[] s = d.shape(0, 4);
            Tensor x = d.normal(s);
            // another shape of the same size: the size's factors dealt out over random axes
            int[] target = new int[d.between(0, 4)];
            Arrays.fill(target, 1);
            int left = x.size();
            for (int f = 2; left > 1; ) {
                if (left % f == 0) {
                    if (target.length == 0) {
                        target = new int[] {1};
                    }
                    target[d.rnd.nextInt(target.length)] *= f;
                    left /= f;
                } else {
                    f++;
                }
            }
            if (target.length > 0 && d.coin()) {
                target[d.rnd.nextInt(target.length)] = -1;
            }
            return new Case(new Reshape(target), x);
        });
    }

    @Test
    void permute() {
        checkAll("Permute", d -> {
            int[] s = d.shape(0, 4);
            int[] p = d.permutation(s.length);
            for (int i = 0; i < p.length; i++) {
                p[i] -= d.coin() ? s.length : 0;
            }
            return new Case(new Permute(p), d.normal(s));
        });
    }

    @Test
    void transpose() {
        checkAll("Transpose", d -> {
            int[] s = d.shape(1, 4);
            return new Case(new Transpose(d.axis(s.length), d.axis(s.length)), d.normal(s));
        });
    }

    @Test
    void slice() {
        checkAll("Slice", d -> {
            int[] s = d.shape(1, 4);
            int axis = d.axis(s.length);
            int n = s[axis < 0 ? axis + s.length : axis];
            int start = d.between(0, n - 1);
            int end = d.between(start + 1, n);
            return new Case(new Slice(axis, start, end), d.normal(s));
        });
    }

    @Test
    void concat() {
        checkAll("Concat", d -> {
            int[] s = d.shape(1, 4);
            int axis = d.axis(s.length);
            Tensor[] xs = new Tensor[d.between(1, 4)];
            for (int i = 0; i < xs.length; i++) {
                int[] si = s.clone();
                si[axis < 0 ? axis + s.length : axis] = d.between(1, 3);
                xs[i] = d.normal(si);
            }
            return new Case(new Concat(axis), xs);
        });
    }

    @Test
    void pad() {
        checkAll("Pad", d -> {
            int[] s = d.shape(0, 4);
            int[] before = new int[s.length];
            int[] after = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                before[i] = d.between(0, 2);
                after[i] = d.between(0, 2);
            }
            return new Case(new Pad(before, after, d.rnd.nextGaussian()), d.normal(s));
        });
    }

    @Test
    void gather() {
        checkAll("Gather", d -> {
            int[] s = d.shape(1, 4);
            int axis = d.axis(s.length);
            int ax = axis < 0 ? axis + s.length : axis;
            int[] is = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                is[i] = i == ax ? d.between(1, 4) : d.between(1, s[i]);
            }
            return new Case(new Gather(axis), d.normal(s), d.ints(is, s[ax]));
        });
    }

    @Test
    void indexSelect() {
        checkAll("IndexSelect", d -> {
            int[] s = d.shape(1, 4);
            int axis = d.axis(s.length);
            int n = s[axis < 0 ? axis + s.length : axis];
            return new Case(new IndexSelect(axis), d.normal(s), d.ints(new int[] {d.between(1, 5)}, n));
        });
    }

    @Test
    void softmax() {
        checkAll("Softmax", d -> {
            int[] s = d.shape(1, 4);
            return new Case(new Softmax(d.axis(s.length)), d.normal(s).multiply(Tensor.scalar(2)));
        });
    }

    @Test
    void logSoftmax() {
        checkAll("LogSoftmax", d -> {
            int[] s = d.shape(1, 4);
            return new Case(new LogSoftmax(d.axis(s.length)), d.normal(s).multiply(Tensor.scalar(2)));
        });
    }
}
