package org.autodifflite.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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
 * <p><b>The bound.</b> Both sides compute the same exact numbers {@code t} by different sequences
 * of floating-point operations: {@code f = t + e_f}, {@code r = t + e_r}, and a bound must say how
 * large {@code e_f − e_r} can be <em>at this point</em>. Entry {@code k} passes when
 * <pre>
 *   |f_k − r_k| ≤ 64·√m·ε·(|f_k| + |r_k| + s)  +  S·(max_p d_pk − min_p d_pk),   d_p = f(x_p) − r̃(x_p)
 * </pre>
 * <ul>
 * <li><b>The first term</b> is the classic bound for a well-conditioned result: a sum of
 * {@code m} terms accumulated in any order is off by at most {@code γ_m·Σ|terms| ≈ m·ε·Σ|terms|},
 * in practice about {@code √m·ε·Σ|terms|}; {@code s}, the largest entry of that tensor on the
 * reference side, stands in for the unknown terms, and 64 allows a few ops in sequence. {@code m}
 * is the output's size for a gradient, the inputs' total size for the forward. It fails where a
 * result is a small difference of large terms — a normalization over two values, whose gradient
 * is an {@code ε/(σ² + ε)} remnant of terms of size {@code G/σ}; a confident softmax
 * cross-entropy, whose loss and {@code p − y} are tiny remnants of log-probabilities of the size
 * of the logits — because there the terms are far larger than {@code |f|}, {@code |r|} and
 * {@code s}.</li>
 * <li><b>The second term measures the rounding error of this point.</b> Both sides are evaluated
 * again at {@value #POINTS} points {@code x_p}, each differentiable input and {@code u}
 * multiplied entry by entry by {@code 1 + δ}, {@code δ} seeded and uniform in ±2⁻⁴⁸ (a few ulps;
 * data such as labels, indices and masks stay as they are). The exact values cancel in
 * {@code d_p = e_f(x_p) − e_r(x_p)}: {@code d_p} is a sample of the discrepancy itself. The
 * nudge reshuffles the low bits, and so the roundings, of everything computed at the inputs'
 * resolution (both sides; the fused op is a black box, and this is all that can be done to it).
 * What an intermediate result absorbs is not reshuffled by a nudge of the inputs (the low bits of
 * {@code log s} lost in {@code max + log s}, the same at every nudged point), so the reference is
 * evaluated as {@code r̃}: a copy of its graph in which every op on a gradient path moves each
 * entry of its output by a random ±ε times the largest magnitude among its inputs and outputs
 * (the scale its rounding happens at), and each entry of the input gradients its backward
 * returns by a random ±ε of itself — the roundings each op may commit, simulated, and carried
 * through the rest of the graph. The range of {@code d_p} over the points (and {@code x_0}
 * itself), times {@code S} = {@value #NOISE_SAFETY}, is the rounding error the entry can carry.
 * A real difference is not noise: it is the same at every point (a smooth error moves by a few
 * ulps of itself when the inputs do), adds nothing to the range, and stays outside the bound.</li>
 * </ul>
 * Measured over 5,000 seeded points per case ({@code docs/checker.md}): the first term alone
 * false-alarms on 90 % of normalizations over 2 values and 3 % of one-sample softmax
 * cross-entropies with logits ×3; with the second, no case of the layers' fused ops fails, and a
 * difference of 1e-6 relative in one entry is caught wherever both sides resolve that entry to
 * better than 1e-8 of itself. Perturbed evaluations that throw or give a non-finite value are left
 * out of the range (the bound gets tighter, never looser; a failure says how many points were
 * measured). The reference is built once per point on a fresh graph, so it must be a pure
 * function of the nodes it is given.
 */
final class ReferenceCheck {

    /** The factor of the first term of the bound (see the class comment). */
    static final double ULPS = 64;

    /**
     * How many nudged points measure the rounding noise: 3 left a few normalizations over two
     * values failing in 5,000 points, 4 and 6 none; 6 keeps a margin.
     */
    static final int POINTS = 6;

    /** How far the inputs are nudged, relative: 2⁻⁴⁸ ≈ 3.6e-15, 16 ulps of a number in [1, 2). */
    static final double NUDGE = 0x1p-48;

    /** The safety factor on the measured range of {@code fused − reference}. */
    static final double NOISE_SAFETY = 8;

    /** How far each op of the jittered reference moves its results, in units of ε. */
    static final double JITTER = 1;

    private ReferenceCheck() {
    }

    /** @return the bound in one line, for the text and HTML reports */
    static String boundText() {
        return "|fused − reference| ≤ 64·√m·ε·(|fused| + |reference| + scale) + " + (int) NOISE_SAFETY
                + " × the range of fused − reference over " + POINTS + " points nudged by ±2⁻⁴⁸, the reference's"
                + " ops jittered by ±ε (rounding noise)";
    }

    /** @return the bound's factor {@code 64·√m·ε} for entries that sum {@code m} terms */
    static double factor(long m) {
        return ULPS * Math.sqrt(Math.max(1, m)) * Probe.EPS;
    }

    /** The reference built on a private graph at one point. */
    private record Built(Graph graph, Node[] in, Node out) {

        /** The engine's gradients of {@code ⟨w, out⟩} for the differentiable inputs, null where it reaches none. */
        Tensor[] gradients(Tensor w) {
            Node[] wrt = Arrays.stream(in).filter(Node::requiresGrad).toArray(Node[]::new);
            Tensor[] out = new Tensor[in.length];
            if (wrt.length == 0) {
                return out;
            }
            // ⟨w, y⟩ from primitives: the engine's gradient of Σ(y ⊙ w) is exactly w times the VJP.
            Tensor[] g = graph.gradients(this.out.mul(graph.constant(w.copy())).sum(), wrt);
            for (int q = 0, i = 0; i < in.length; i++) {
                if (in[i].requiresGrad()) {
                    out[i] = g[q++];
                }
            }
            return out;
        }
    }

    private static Built build(Op fused, Composition reference, Tensor[] values) {
        int n = values.length;
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
            throw new IllegalArgumentException("checkAgainst " + fused.name() + ": the reference returned "
                    + (out == null ? "null" : "a node of another graph")
                    + "; build it on the graph it is given, from the nodes it is given");
        }
        return new Built(g, in, out);
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
        Built ref = build(fused, reference, values);
        Tensor yR = ref.out().value();
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
        Tensor[] gR = ref.gradients(u);
        Tensor ones = Tensor.zerosLike(yF);
        ones.fill(1.0);
        Tensor[] gOnes = ref.gradients(ones);
        for (int i = 0; i < n; i++) {
            if (fused.differentiable(i) && gR[i] == null) {
                gR[i] = Tensor.zerosLike(values[i]); // the reference does not depend on it
                gOnes[i] = Tensor.zerosLike(values[i]);
            }
        }
        boolean[] compared = new boolean[n];
        for (int i = 0; i < n; i++) {
            // An input whose gradient is misshapen is a CONTRACT of its own; the others are compared.
            compared[i] = fused.differentiable(i) && nonFinite[i] == null && blocked[i] == null && gF != null
                    && gF.length == n && gF[i] != null && gF[i].sameShape(values[i]);
        }
        Noise noise = new Noise(yF, yR, gF, gR, compared);
        if (yF.isFinite() && yR.isFinite()) {
            noise.measure(settings.seed(), fused, reference, values, u);
        }
        // A failure says when the noise rests on fewer points than asked, so the bound is tighter.
        String fewer = noise.measured >= POINTS ? "" : "; the rounding noise was measured at " + noise.measured
                + " of " + POINTS + " nudged points (at the others an op threw or gave a value that is not"
                + " finite), so the bound is tighter than usual";
        results.add(forward(name, yF, yR, inputSize, noise.range[n], fewer));
        for (int i = 0; i < n; i++) {
            if (!fused.differentiable(i)) {
                continue;
            }
            if (nonFinite[i] != null) {
                results.add(notCompared(name, fused, i, values[i], Verdict.NON_FINITE, nonFinite[i]));
            } else if (blocked[i] != null) {
                results.add(notCompared(name, fused, i, values[i], Verdict.SKIPPED, blocked[i]));
            } else if (!compared[i]) {
                results.add(notCompared(name, fused, i, values[i], Verdict.CONTRACT, contract[i] != null ? contract[i]
                        : "backward broke the op contract for another input"));
            } else {
                results.add(gradient(name, fused, i, values[i], gF[i], gR[i], gOnes[i], yF.size(), contract[i],
                        noise.range[i], fewer));
            }
        }
        return new CheckReport(settings, results, CheckReport.Kind.REFERENCE, opNodes(fused, values, yF));
    }

    /**
     * The range, per entry, of {@code fused − reference} over the point itself and the nudged
     * points: the forward's (slot {@code n}) and each compared input's gradient's.
     */
    private static final class Noise {
        /** per slot (input i, or n for the forward), the least and largest difference seen */
        final double[][] min;
        final double[][] max;
        /** per slot, {@code max − min}, or null for a slot not compared */
        final double[][] range;
        private final boolean[] compared;
        /** how many nudged points were measured (the others threw or were not finite) */
        int measured;
        private final int n;

        Noise(Tensor yF, Tensor yR, Tensor[] gF, Tensor[] gR, boolean[] compared) {
            this.n = compared.length;
            this.compared = compared;
            min = new double[n + 1][];
            max = new double[n + 1][];
            range = new double[n + 1][];
            for (int i = 0; i <= n; i++) {
                if (i == n || compared[i]) {
                    Tensor f = i == n ? yF : gF[i];
                    Tensor r = i == n ? yR : gR[i];
                    min[i] = new double[f.size()];
                    max[i] = new double[f.size()];
                    Arrays.fill(min[i], Double.POSITIVE_INFINITY);
                    Arrays.fill(max[i], Double.NEGATIVE_INFINITY);
                    add(i, f, r);
                }
            }
            finish();
        }

        private void add(int slot, Tensor f, Tensor r) {
            double[] a = f.data();
            double[] b = r.data();
            for (int k = 0; k < a.length; k++) {
                double d = a[k] - b[k];
                if (Double.isFinite(d)) {
                    min[slot][k] = Math.min(min[slot][k], d);
                    max[slot][k] = Math.max(max[slot][k], d);
                }
            }
        }

        private void finish() {
            for (int i = 0; i <= n; i++) {
                if (min[i] == null) {
                    continue;
                }
                range[i] = new double[min[i].length];
                for (int k = 0; k < range[i].length; k++) {
                    double w = max[i][k] - min[i][k];
                    range[i][k] = Double.isFinite(w) ? w : 0;
                }
            }
        }

        /** Evaluates both sides at {@link #POINTS} nudged points and widens the ranges. */
        void measure(long seed, Op fused, Composition reference, Tensor[] values, Tensor u) {
            for (int p = 1; p <= POINTS; p++) {
                SplittableRandom rng = new SplittableRandom(InputChecker.mix(seed, p, 77));
                Tensor[] x = new Tensor[n];
                for (int i = 0; i < n; i++) {
                    // Only differentiable inputs move: data may be labels, indices or masks.
                    x[i] = fused.differentiable(i) ? nudge(values[i], rng) : values[i].copy();
                }
                Tensor up = nudge(u, rng);
                Tensor yF;
                Tensor[] gF;
                Tensor yR;
                Tensor[] gR;
                try {
                    yF = fused.forward(OpSubject.copies(x));
                    gF = fused.backward(OpSubject.copies(x), yF, up);
                    Built ref = jittered(build(fused, reference, x), rng);
                    yR = ref.out().value();
                    gR = ref.gradients(up);
                } catch (RuntimeException e) {
                    continue; // a point the op refuses (a nudge over a domain's edge) measures nothing
                }
                if (yF == null || !yF.sameShape(yR) || gF == null || gF.length != n) {
                    continue;
                }
                measured++;
                add(n, yF, yR);
                for (int i = 0; i < n; i++) {
                    if (compared[i] && gF[i] != null && gF[i].sameShape(values[i])) {
                        add(i, gF[i], gR[i] != null ? gR[i] : Tensor.zerosLike(values[i]));
                    }
                }
            }
            finish();
        }
    }


    /**
     * A copy of a built reference whose ops on a gradient path are {@link Jittered}: the rounding
     * error each op may commit, simulated, so that the range over the points also holds what an
     * intermediate result absorbs, which nudging the inputs cannot reshuffle.
     */
    private static Built jittered(Built b, SplittableRandom rng) {
        Graph g = new Graph();
        List<Node> nodes = b.graph().nodes();
        Node[] copy = new Node[b.out().index() + 1];
        for (int k = 0; k < copy.length; k++) {
            Node v = nodes.get(k);
            List<Node> ins = v.inputs();
            Node[] args = new Node[ins.size()];
            for (int q = 0; q < args.length; q++) {
                args[q] = copy[ins.get(q).index()];
            }
            switch (v.kind()) {
                case OP:
                    // Only what a gradient flows through carries rounding that matters; data computed
                    // from data alone (an index tensor reshaped) must stay exact.
                    copy[k] = g.apply(v.label(), v.requiresGrad() ? new Jittered(v.op(), rng.split()) : v.op(), args);
                    break;
                case CONSTANT:
                    copy[k] = g.constant(v.value());
                    break;
                case PARAMETER:
                    copy[k] = g.parameter(v.parameter());
                    break;
                default:
                    copy[k] = v.requiresGrad() ? g.variable(v.label(), v.value()) : g.input(v.label(), v.value());
            }
        }
        Node[] in = new Node[b.in().length];
        for (int i = 0; i < in.length; i++) {
            in[i] = copy[b.in()[i].index()];
        }
        return new Built(g, in, copy[b.out().index()]);
    }

    /**
     * An op whose results are moved entry by entry: its output by a random ±{@link #JITTER}·ε
     * times the largest magnitude among its inputs and output, each input gradient by a random
     * ±{@link #JITTER}·ε of itself.
     */
    private static final class Jittered implements Op {
        private final Op op;
        private final SplittableRandom rng;

        Jittered(Op op, SplittableRandom rng) {
            this.op = op;
            this.rng = rng;
        }

        @Override
        public String name() {
            return op.name();
        }

        @Override
        public int arity() {
            return op.arity();
        }

        @Override
        public String inputName(int index) {
            return op.inputName(index);
        }

        @Override
        public boolean differentiable(int index) {
            return op.differentiable(index);
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            Tensor y = op.forward(inputs);
            // An op rounds at the scale of what it combines (log p = z − lse at the scale of z
            // and lse, however small log p is): the largest magnitude in and out.
            double scale = 0;
            for (Tensor t : inputs) {
                scale = Math.max(scale, largest(t));
            }
            return jitter(y, y == null ? 0 : Math.max(scale, largest(y)));
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
            return jitter(op.backward(inputs, output, gradOutput));
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput, boolean[] needsInputGrad) {
            return jitter(op.backward(inputs, output, gradOutput, needsInputGrad));
        }

        private static double largest(Tensor t) {
            double m = 0;
            for (double v : t.data()) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
            return m;
        }

        private Tensor[] jitter(Tensor[] grads) {
            if (grads != null) {
                for (int i = 0; i < grads.length; i++) {
                    grads[i] = grads[i] == null ? null : jitter(grads[i], 0);
                }
            }
            return grads;
        }

        private Tensor jitter(Tensor t, double floor) {
            if (t == null) {
                return null;
            }
            double[] d = t.data().clone();
            for (int k = 0; k < d.length; k++) {
                d[k] += Math.max(Math.abs(d[k]), floor) * JITTER * Probe.EPS * rng.nextDouble(-1, 1);
            }
            return Tensor.wrap(t.dims(), d);
        }
    }

    /** @return {@code t} with each entry multiplied by {@code 1 + δ}, δ uniform in ±{@link #NUDGE} */
    static Tensor nudge(Tensor t, SplittableRandom rng) {
        double[] d = t.data().clone();
        for (int k = 0; k < d.length; k++) {
            d[k] += d[k] * NUDGE * rng.nextDouble(-1, 1);
        }
        return Tensor.wrap(t.dims(), d);
    }

    /** The forward comparison: one row, {@link Verdict#FORWARD_DIFFERS} if any entry differs. */
    private static InputResult forward(String name, Tensor yF, Tensor yR, long inputSize, double[] noise,
            String fewer) {
        Diagnosis.Entries e = entries(yF, yF.data(), yR.data(), null, factor(inputSize), noise);
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
                    + " (and the reference's ops) before the gradients" + fewer;
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
            Tensor gOnes, long outputSize, String contract, double[] noise, String fewer) {
        Diagnosis.Entries e = entries(x, gF.data(), gR.data(), gOnes.data(), factor(outputSize), noise);
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
            text = Diagnosis.failure(e, where, false, Diagnosis.REFERENCE) + fewer;
        } else {
            verdict = Verdict.PASS;
            text = "";
        }
        return result(name, name, i, fused.inputName(i), x.shape(), verdict, text, e, rel);
    }

    /**
     * @param noise per entry, the range of {@code fused − reference} over the nudged points
     *     (see the class comment)
     */
    private static Diagnosis.Entries entries(Tensor like, double[] f, double[] r, double[] ones, double factor,
            double[] noise) {
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
            e.allowed[k] = factor * (Math.abs(f[k]) + Math.abs(r[k]) + scale) + NOISE_SAFETY * noise[k];
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
}
