package org.autodifflite.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A fused op against the composition of other ops it stands for (a reference), at one point and
 * with no step: the forward values, then the vector-Jacobian products for one seeded random
 * upstream gradient {@code u} — the fused {@code backward(x, y, u)} against the gradients the
 * engine derives for {@code ⟨u, reference(x)⟩} on a private graph.
 *
 * <p><b>The bound.</b> Both sides compute the same numbers by different sequences of
 * floating-point operations, so they differ by roundoff only. An entry that is a sum of
 * {@code m} terms, accumulated in any order, carries an error of at most
 * {@code γ_m·Σ|terms|} ({@code γ_m ≈ m·ε}), and in practice about {@code √m·ε·Σ|terms|} as
 * roundings partly cancel; a composition of a few ops adds a few ε per op. The terms are not
 * known, so the scale of the whole tensor stands in for them: entry {@code k} passes when
 * <pre>
 *   |f_k − r_k| ≤ 64·√m·ε·(|f_k| + |r_k| + s),   s = max_j |r_j|  (finite entries)
 * </pre>
 * with {@code m} the number of terms an entry can sum: the output's size for a gradient, the
 * inputs' total size for the forward. The factor 64 allows a few ops in sequence and moderate
 * cancellation. For {@code m = 10⁶} the bound is 1.4e-11 of the scale, so a difference of 1e-6
 * relative in a single entry is caught with five orders of magnitude to spare. It assumes the
 * composition is computed stably at the point: where the reference itself loses digits (a
 * sigmoid saturated at 1 before a log of {@code 1 − a}), compare at a better-conditioned point.
 */
final class ReferenceCheck {

    /** The factor of the bound (see the class comment). */
    static final double ULPS = 64;

    private ReferenceCheck() {
    }

    /** @return the bound's factor {@code 64·√m·ε} for entries that sum {@code m} terms */
    static double factor(long m) {
        return ULPS * Math.sqrt(Math.max(1, m)) * Probe.EPS;
    }

    static CheckReport run(Settings settings, Op fused, Composition reference, Tensor[] inputs) {
        int n = inputs.length;
        String name = fused.name();
        Tensor[] values = OpSubject.copies(inputs);
        Tensor[] work = OpSubject.copies(inputs);
        String[] contract = new String[n];
        String[] nonFinite = new String[n];
        String[] blocked = new String[n];
        Subject.findNonFinite(values, fused::differentiable, i -> fused.inputName(i) + " of " + name,
                nonFinite, blocked);
        Tensor yF = fused.forward(work);
        if (yF == null) {
            throw new IllegalStateException(name + ": forward returned null");
        }
        unchanged(work, values, fused, "forward", contract);
        // The reference, on a graph of its own.
        Graph g = new Graph();
        Node[] in = new Node[n];
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String label = fused.inputName(i);
            if (!used.add(label)) {
                label = label + "#" + i;
                used.add(label);
            }
            in[i] = fused.differentiable(i) ? g.variable(label, values[i].copy()) : g.input(label, values[i].copy());
        }
        Node out = reference.build(g, in.clone());
        if (out == null || out.graph() != g) {
            throw new IllegalArgumentException("checkAgainst " + name + ": the reference returned "
                    + (out == null ? "null" : "a node of another graph")
                    + "; build it on the graph it is given, from the nodes it is given");
        }
        Tensor yR = out.value();
        List<InputResult> results = new ArrayList<>();
        long inputSize = 0;
        for (Tensor t : values) {
            inputSize += t.size();
        }
        if (!yF.sameShape(yR)) {
            String why = "the fused forward gives " + yF.shape() + " but the reference gives " + yR.shape()
                    + "; they do not compute the same function";
            results.add(new InputResult(name, name, -1, "forward", yF.shape(), false, Verdict.FORWARD_DIFFERS,
                    why, List.of(), 0, yF.size(), 0, 0, Double.NaN, Double.NaN, null, Diagnosis.REFERENCE, null));
            for (int i = 0; i < n; i++) {
                if (fused.differentiable(i)) {
                    results.add(notCompared(name, fused, i, values[i], Verdict.SKIPPED,
                            "not compared: the forward shapes differ"));
                }
            }
            return new CheckReport(settings, results, CheckReport.Kind.REFERENCE, opNodes(fused, values, yF));
        }
        results.add(forward(name, yF, yR, inputSize));
        // The same upstream gradient for both sides.
        long seed = InputChecker.mix(settings.seed(), 0, 0);
        Tensor u = Shapes.randnLike(yF, seed);
        Tensor uCopy = u.copy();
        Tensor yCopy = yF.copy();
        Tensor[] gF = fused.backward(work, yF, u);
        boolean shapesOk = shapes(gF, values, yF, fused, contract);
        unchanged(work, values, fused, "backward", contract);
        if (!u.equals(uCopy) || !yF.equals(yCopy)) {
            Arrays.fill(contract, "backward modified the upstream gradient or the output; it must not modify"
                    + " any argument");
        }
        if (shapesOk) {
            Tensor[] doubled = fused.backward(work, yF, u.scale(2));
            if (shapes(doubled, values, yF, fused, new String[n])) {
                for (int i = 0; i < n; i++) {
                    if (fused.differentiable(i) && contract[i] == null && !linear(gF[i], doubled[i])) {
                        contract[i] = "backward is not linear in the upstream gradient: backward(2u) ≠ 2·backward(u)"
                                + " for " + fused.inputName(i) + "; every term of the gradient must be multiplied"
                                + " by the upstream gradient";
                    }
                }
            }
        }
        Node[] wrt = Arrays.stream(in).filter(Node::requiresGrad).toArray(Node[]::new);
        Tensor[] gR = new Tensor[n];
        Tensor[] gOnes = new Tensor[n];
        if (wrt.length > 0) {
            Tensor ones = Tensor.zerosLike(yF);
            ones.fill(1.0);
            Tensor[] byU = g.gradients(g.apply("⟨u, output⟩", new Weighted(u.copy()), out), wrt);
            Tensor[] byOnes = g.gradients(g.apply("⟨1, output⟩", new Weighted(ones), out), wrt);
            for (int q = 0, i = 0; i < n; i++) {
                if (in[i].requiresGrad()) {
                    gR[i] = byU[q];
                    gOnes[i] = byOnes[q++];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!fused.differentiable(i)) {
                continue;
            }
            if (nonFinite[i] != null) {
                results.add(notCompared(name, fused, i, values[i], Verdict.NON_FINITE, nonFinite[i]));
            } else if (blocked[i] != null) {
                results.add(notCompared(name, fused, i, values[i], Verdict.SKIPPED, blocked[i]));
            } else if (gF == null || gF.length != n || gF[i] == null || !gF[i].sameShape(values[i])) {
                results.add(notCompared(name, fused, i, values[i], Verdict.CONTRACT, contract[i] != null ? contract[i]
                        : "backward broke the op contract for another input"));
            } else {
                results.add(gradient(name, fused, i, values[i], gF[i], gR[i], gOnes[i], yF.size(), contract[i]));
            }
        }
        return new CheckReport(settings, results, CheckReport.Kind.REFERENCE, opNodes(fused, values, yF));
    }

    /** The forward comparison: one row, {@link Verdict#FORWARD_DIFFERS} if any entry differs. */
    private static InputResult forward(String name, Tensor yF, Tensor yR, long inputSize) {
        Diagnosis.Entries e = entries(yF, yF.data(), yR.data(), null, factor(inputSize));
        int differ = 0;
        boolean nonFinite = false;
        for (int k = 0; k < e.size(); k++) {
            double f = e.analytic[k];
            double r = e.numeric[k];
            boolean same = Double.compare(f, r) == 0 || Math.abs(f - r) <= e.allowed[k];
            if (!same) {
                e.verdicts[k] = Verdict.FAIL;
                differ++;
            } else if (!Double.isFinite(f)) {
                e.verdicts[k] = Verdict.NON_FINITE;
                nonFinite = true;
            }
        }
        double[] rel = relMax(e);
        if (differ > 0) {
            String why = "the fused forward differs from the reference in " + differ + " of " + e.size()
                    + " entries: they do not compute the same function at this point; compare the formulas"
                    + " (and the reference's ops) before the gradients";
            return result(name, name, -1, "forward", yF.shape(), Verdict.FORWARD_DIFFERS, why, e, rel);
        }
        if (nonFinite) {
            return result(name, name, -1, "forward", yF.shape(), Verdict.NON_FINITE,
                    "the forward output is not finite at the point checked (on both sides); check the inputs'"
                            + " range (log of 0, division by 0, overflow)", e, rel);
        }
        return result(name, name, -1, "forward", yF.shape(), Verdict.PASS, "", e, rel);
    }

    /** One input's gradient: the fused backward against the reference's. */
    private static InputResult gradient(String name, Op fused, int i, Tensor x, Tensor gF, Tensor gR,
            Tensor gOnes, long outputSize, String contract) {
        Tensor ref = gR != null ? gR : Tensor.zerosLike(x);
        Diagnosis.Entries e = entries(x, gF.data(), ref.data(), gOnes != null ? gOnes.data() : new double[x.size()],
                factor(outputSize));
        boolean failed = false;
        boolean nonFinite = false;
        for (int k = 0; k < e.size(); k++) {
            double a = e.analytic[k];
            double r = e.numeric[k];
            if (!Double.isFinite(a) || !Double.isFinite(r)) {
                e.verdicts[k] = Verdict.NON_FINITE;
                nonFinite = true;
            } else if (Math.abs(a - r) > e.allowed[k]) {
                e.verdicts[k] = Verdict.FAIL;
                failed = true;
            }
        }
        double[] rel = relMax(e);
        String where = fused.inputName(i) + " in " + name + "'s backward";
        Verdict verdict;
        String text;
        if (contract != null) {
            verdict = Verdict.CONTRACT;
            text = contract + (failed ? "; also: " + Diagnosis.failure(e, where, false, Diagnosis.REFERENCE) : "");
        } else if (nonFinite) {
            verdict = Verdict.NON_FINITE;
            text = Diagnosis.nonFinite(e, where, Diagnosis.REFERENCE);
        } else if (failed) {
            verdict = Verdict.FAIL;
            text = Diagnosis.failure(e, where, false, Diagnosis.REFERENCE);
        } else {
            verdict = Verdict.PASS;
            text = "";
        }
        return result(name, name, i, fused.inputName(i), x.shape(), verdict, text, e, rel);
    }

    private static Diagnosis.Entries entries(Tensor like, double[] f, double[] r, double[] ones, double factor) {
        Diagnosis.Entries e = new Diagnosis.Entries();
        int n = f.length;
        e.dims = Shapes.dims(like);
        e.index = new int[n];
        for (int k = 0; k < n; k++) {
            e.index[k] = k;
        }
        e.complete = true;
        e.analytic = f.clone();
        e.fullAnalytic = e.analytic;
        e.numeric = r.clone();
        e.numericOnes = ones == null ? null : ones.clone();
        e.error = new double[n];
        e.status = new byte[n];
        e.allowed = new double[n];
        e.verdicts = new Verdict[n];
        double scale = 0;
        for (double v : r) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int k = 0; k < n; k++) {
            e.allowed[k] = factor * (Math.abs(f[k]) + Math.abs(r[k]) + scale);
            e.verdicts[k] = Verdict.PASS;
        }
        return e;
    }

    /** @return {relative difference, max |f − r|} over the entries */
    private static double[] relMax(Diagnosis.Entries e) {
        double d2 = 0;
        double a2 = 0;
        double r2 = 0;
        double max = 0;
        for (int k = 0; k < e.size(); k++) {
            double d = e.analytic[k] - e.numeric[k];
            if (Double.compare(e.analytic[k], e.numeric[k]) == 0) {
                d = 0;
            }
            d2 += d * d;
            a2 += e.analytic[k] * e.analytic[k];
            r2 += e.numeric[k] * e.numeric[k];
            max = Double.isNaN(d) ? Double.NaN : Math.max(max, Math.abs(d));
        }
        double den = Math.sqrt(a2) + Math.sqrt(r2);
        return new double[] {den == 0 ? (Double.isNaN(d2) ? Double.NaN : 0) : Math.sqrt(d2) / den, max};
    }

    private static InputResult result(String node, String op, int index, String input, String shape,
            Verdict verdict, String text, Diagnosis.Entries e, double[] rel) {
        boolean failing = !verdict.isPassing();
        return new InputResult(node, op, index, input, shape, false, verdict, text,
                failing ? Diagnosis.worst(e) : List.of(), e.size(), e.size(), 0, 0, rel[0], rel[1], null,
                Diagnosis.REFERENCE, failing && e.size() > 0 ? ErrorMap.of(e) : null);
    }

    private static InputResult notCompared(String name, Op fused, int i, Tensor x, Verdict verdict, String text) {
        return new InputResult(name, name, i, fused.inputName(i), x.shape(), false, verdict, text, List.of(), 0,
                x.size(), 0, 0, Double.NaN, Double.NaN, null, Diagnosis.REFERENCE, null);
    }

    private static void unchanged(Tensor[] work, Tensor[] values, Op op, String what, String[] contract) {
        for (int i = 0; i < values.length; i++) {
            if (!work[i].equals(values[i])) {
                if (contract[i] == null) {
                    contract[i] = what + " modified its input " + op.inputName(i)
                            + "; an op must not modify its inputs (compute into a new tensor)";
                }
                work[i].copyFrom(values[i]);
            }
        }
    }

    private static boolean shapes(Tensor[] grads, Tensor[] values, Tensor output, Op op, String[] contract) {
        if (grads == null || grads.length != values.length) {
            Arrays.fill(contract, "backward returned " + (grads == null ? "null" : grads.length + " gradients")
                    + " for " + values.length + " inputs; it must return one gradient per input, in input order");
            return false;
        }
        boolean ok = true;
        for (int i = 0; i < grads.length; i++) {
            if (!op.differentiable(i)) {
                continue;
            }
            if (grads[i] == null || !grads[i].sameShape(values[i])) {
                contract[i] = "backward returned a " + (grads[i] == null ? "null" : grads[i].shape())
                        + " gradient for " + op.inputName(i) + " of shape " + values[i].shape()
                        + "; each gradient must be shaped like its input"
                        + (grads[i] == null ? "" : Shapes.gradientShapeHint(Shapes.dims(grads[i]),
                                Shapes.dims(values[i]), Shapes.dims(output), op.inputName(i)));
                ok = false;
            }
        }
        return ok;
    }

    private static boolean linear(Tensor a, Tensor b) {
        double[] x = a.data();
        double[] y = b.data();
        for (int k = 0; k < x.length; k++) {
            double want = 2 * x[k];
            if (Double.isFinite(want) && Double.isFinite(y[k])
                    && !(Math.abs(y[k] - want) <= 1e-12 * Math.max(Math.abs(want), Math.abs(y[k])))) {
                return false;
            }
        }
        return true;
    }

    /** The nodes of an op checked alone: its inputs as leaves, then the op. */
    static List<ReportNode> opNodes(Op op, Tensor[] inputs, Tensor output) {
        List<ReportNode> out = new ArrayList<>();
        List<Integer> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            out.add(new ReportNode(i, op.inputName(i), "input", null, inputs[i].shape(), List.of(), null));
            ins.add(i);
        }
        out.add(new ReportNode(inputs.length, op.name(), "op", op.name(), output == null ? "?" : output.shape(),
                ins, null));
        return out;
    }

    /** {@code ⟨w, y⟩} as an op, so the engine's gradients of the reference are exactly {@code w}'s VJP. */
    private static final class Weighted implements Op {
        private final Tensor w;

        Weighted(Tensor w) {
            this.w = w;
        }

        @Override
        public String name() {
            return "⟨u, y⟩";
        }

        @Override
        public int arity() {
            return 1;
        }

        @Override
        public Tensor forward(Tensor... in) {
            double s = 0;
            double[] y = in[0].data();
            double[] u = w.data();
            for (int k = 0; k < y.length; k++) {
                s += u[k] * y[k];
            }
            return Tensor.scalar(s);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {w.scale(g.data()[0])};
        }
    }
}
