package org.autodifflite.check;

import java.util.Arrays;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * One op alone: {@code φ(x) = ⟨u, f(x)⟩} for a seeded random upstream gradient {@code u}. While
 * preparing, it checks the op contract: forward deterministic and leaving its inputs alone,
 * backward returning one gradient per input shaped like it, leaving its arguments alone, and
 * linear in {@code u} ({@code backward(2u) = 2·backward(u)}, {@code backward(0) = 0}).
 *
 * <p>An op that implements {@link FastForward} is evaluated into reusable buffers (after a
 * check that {@link FastForward#forwardInto} agrees with {@code forward} bit for bit), and
 * recomputes only what perturbed entries influence when it has
 * {@link FastForward#forwardEntriesInto}; the numbers, and so the report, are the same as
 * through {@code forward}.
 */
final class OpSubject extends Subject {

    private final Op op;
    /** The op, when perturbed evaluations go through its {@link FastForward} methods; else null. */
    private FastForward fast;

    /**
     * @param label the node's label for reports
     * @param op the op
     * @param inputs the input values; never modified (the checker works on copies)
     * @param seed the seed of the upstream gradient
     */
    OpSubject(String label, Op op, Tensor[] inputs, long seed) {
        this(label, op, inputs, seed, null, null);
    }

    /**
     * @param label the node's label for reports
     * @param op the op
     * @param inputs the input values; never modified (the checker works on copies)
     * @param seed the seed of the upstream gradient
     * @param sources per input, the label of the graph node it comes from, or null (an op alone)
     * @param parameters per input, the name of the parameter it is, or null
     */
    OpSubject(String label, Op op, Tensor[] inputs, long seed, String[] sources, String[] parameters) {
        super(label, op.name(), inputs, false);
        this.op = op;
        this.fast = op instanceof FastForward ? (FastForward) op : null;
        if (parameters != null) {
            System.arraycopy(parameters, 0, this.parameters, 0, parameters.length);
        }
        String where = label.equals(op.name()) ? op.name() : "node '" + label + "' (" + op.name() + ")";
        findNonFinite(i -> op.inputName(i) + " of " + where
                + (sources == null || sources[i] == null ? "" : parameters != null && parameters[i] != null
                        ? " (parameter " + parameters[i] + ")" : " (the value of node '" + sources[i] + "')"));
        prepare(seed);
    }

    @Override
    String inputName(int i) {
        return op.inputName(i);
    }

    @Override
    boolean differentiable(int i) {
        return op.differentiable(i);
    }

    @Override
    Evaluator newEvaluator() {
        Tensor[] work = copies(values);
        if (fast != null) {
            FastForward f = fast;
            // Allocation-free: one reusable output buffer per slot, updated incrementally
            // when the op allows it.
            OpOutput[] slots = new OpOutput[SLOTS];
            long inputSize = 0;
            for (Tensor w : work) {
                inputSize += w.size();
            }
            for (int k = 0; k < SLOTS; k++) {
                // The output was checked equal to forwardInto's: it is the clean output.
                slots[k] = new OpOutput(f, output, true, output, inputSize);
            }
            return new Evaluator() {
                @Override
                public Tensor input(int i) {
                    return work[i];
                }

                @Override
                public Tensor evaluate(int i, int from, int to, int slot) {
                    boolean some = from >= 0 && (from > 0 || to < work[i].size());
                    return slots[slot].evaluate(work, some ? i : -1, from, to);
                }
            };
        }
        return new Evaluator() {
            @Override
            public Tensor input(int i) {
                return work[i];
            }

            @Override
            public Tensor evaluate(int i, int from, int to, int slot) {
                Tensor y = op.forward(work);
                for (Tensor w : work) {
                    if (y != null && y.data() == w.data()) {
                        y = y.copy(); // an output sharing its input's array would move with the next step
                    }
                }
                if (y == null || !y.sameShape(output)) {
                    throw new IllegalStateException(op.name() + " '" + label + "': forward returned "
                            + (y == null ? "null" : y.shape()) + " for a perturbed input, but "
                            + output.shape() + " for the original; an op's output shape must depend"
                            + " only on its input shapes");
                }
                return y;
            }
        };
    }

    private void prepare(long seed) {
        Tensor[] work = copies(values);
        output = op.forward(work);
        if (output == null) {
            throw new IllegalStateException(op.name() + " '" + label + "': forward returned null");
        }
        requireUnchanged(work, "forward");
        for (int i = 0; i < work.length; i++) {
            if (output.data() == work[i].data()) {
                breachAll("forward returned its input " + op.inputName(i) + " itself; an op must return a"
                        + " new tensor (return a copy), or changing the input later changes its output");
                output = output.copy();
            }
        }
        if (fast != null) {
            // The second evaluation goes through the fast path: it must agree with forward.
            Tensor again = Tensor.zerosLike(output);
            fast.forwardInto(again, work);
            if (!output.equals(again)) {
                breachAll("forwardInto gave other values than forward for the same inputs (or forward is"
                        + " not deterministic); forwardInto must give exactly forward's bits, and an op must"
                        + " keep no state (pass random masks in as inputs)");
                fast = null; // go on checking forward itself
            }
        } else {
            Tensor again = op.forward(work);
            if (!output.equals(again)) {
                breachAll("forward is not deterministic: two calls with the same inputs gave different"
                        + " outputs; an op must keep no state (pass random masks in as inputs)");
            }
        }
        Tensor uTensor = Shapes.randnLike(output, seed);
        u = uTensor.data().clone();
        Tensor outputCopy = output.copy();
        analytic = op.backward(work, output, uTensor);
        if (!shapesOk(analytic)) {
            return;
        }
        requireUnchanged(work, "backward");
        if (!output.equals(outputCopy)) {
            breachAll("backward modified its output argument; it must not modify any argument");
        }
        if (!Arrays.equals(uTensor.data(), u)) {
            breachAll("backward modified the upstream gradient; it must not modify any argument");
        }
        Tensor[] doubled = op.backward(work, output, uTensor.scale(2));
        Tensor[] zero = op.backward(work, output, Tensor.zerosLike(output));
        if (!shapesOk(doubled) || !shapesOk(zero)) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            if (!differentiable(i)) {
                continue;
            }
            if (!linear(analytic[i], doubled[i])) {
                breach(i, "backward is not linear in the upstream gradient: backward(2u) ≠ 2·backward(u)"
                        + " for " + op.inputName(i) + "; every term of the gradient must be multiplied by"
                        + " the upstream gradient");
            } else if (nonZeroFinite(zero[i])) {
                breach(i, "backward(0) ≠ 0 for " + op.inputName(i) + ": with a zero upstream gradient the"
                        + " input gradient must be zero; a term does not multiply the upstream gradient");
            }
        }
    }

    private boolean shapesOk(Tensor[] grads) {
        if (grads == null || grads.length != values.length) {
            breachAll("backward returned " + (grads == null ? "null" : grads.length + " gradients")
                    + " for " + values.length + " inputs; it must return one gradient per input, in input order");
            analytic = null;
            return false;
        }
        boolean ok = true;
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null || !grads[i].sameShape(values[i])) {
                breach(i, "backward returned a " + (grads[i] == null ? "null" : grads[i].shape())
                        + " gradient for " + op.inputName(i) + " of shape " + values[i].shape()
                        + "; each gradient must be shaped like its input"
                        + (grads[i] == null ? "" : Shapes.gradientShapeHint(Shapes.dims(grads[i]),
                                Shapes.dims(values[i]), Shapes.dims(output), op.inputName(i))));
                ok = false;
            }
        }
        if (!ok) {
            analytic = null;
        }
        return ok;
    }

    private void requireUnchanged(Tensor[] work, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!work[i].equals(values[i])) {
                breach(i, what + " modified its input " + op.inputName(i)
                        + "; an op must not modify its inputs (compute into a new tensor)");
                work[i].copyFrom(values[i]);
            }
        }
    }

    /** Whether {@code b ≈ 2·a}: exact for a linear backward barring overflow, so the bar is tight. */
    private static boolean linear(Tensor a, Tensor b) {
        double[] x = a.data();
        double[] y = b.data();
        for (int k = 0; k < x.length; k++) {
            double want = 2 * x[k];
            if (!Double.isFinite(want) || !Double.isFinite(y[k])) {
                continue; // reported as NON_FINITE by the comparison, not as a contract breach
            }
            if (!(Math.abs(y[k] - want) <= 1e-12 * Math.max(Math.abs(want), Math.abs(y[k])) || y[k] == want)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nonZeroFinite(Tensor t) {
        for (double v : t.data()) {
            if (v != 0 && Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A seeded upstream gradient shaped like the output: standard normal entries, so never all
     * ones, and a backward that ignores it disagrees with the numeric side.
     */
    static double[] upstream(Tensor output, long seed) {
        return Shapes.randnLike(output, seed).data();
    }

    static Tensor[] copies(Tensor[] values) {
        Tensor[] out = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].copy();
        }
        return out;
    }
}
