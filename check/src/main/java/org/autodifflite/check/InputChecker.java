package org.autodifflite.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.autodifflite.core.Tensor;

/**
 * Checks every differentiable input of a {@link Subject}: chooses the entries (or directions)
 * the coverage asks for, estimates the numeric derivatives on several threads, decides each
 * entry and the input, and diagnoses failures.
 *
 * <p>Default-mode decision for an entry with analytic {@code a} and numeric {@code n} (error
 * estimate {@code e}): both exactly zero passes; NaN or infinity on either side is
 * {@link Verdict#NON_FINITE}; a kink is {@link Verdict#SKIPPED}; otherwise it passes when
 * {@code |a − n| ≤ SAFETY·e + tolerance·max(|a|,|n|) + floor}, the floor being
 * {@code 64·ε_machine} times the largest gradient entry of the input (roundoff of the analytic
 * side). Seed mode decides the input as the notebook does: the relative difference of the whole
 * input above the threshold fails.
 */
final class InputChecker {

    /** How many shorter copies of a direction are tried before it counts as failed or kinked. */
    static final int DIRECTION_RETRIES = 2;
    /** How much shorter each retried direction is. */
    static final double DIRECTION_SHRINK = 64;
    /** Entries sampled to diagnose an input whose random-direction check failed. */
    static final int FAST_SAMPLE = 32;
    /** The most wrong entries the halving search looks for. */
    static final int HALVING_BUDGET = 8;
    /** How much shorter the step of a failing end-to-end entry's second estimate is. */
    static final double RECHECK_SHRINK = 64;

    private final Subject subject;
    private final Settings settings;
    private final Parallel parallel;
    private final long seed;
    /** ⟨analytic, v⟩ and the numeric derivative along each direction of the last fast check. */
    private double[] directionAnalytic = new double[0];
    private double[] directionNumeric = new double[0];

    /**
     * One probe (and so one evaluator with its private inputs and output buffers) per worker
     * number, made on first use and reused for every input of the subject.
     */
    private final Probe[] probes;

    InputChecker(Subject subject, Settings settings, Parallel parallel, long seed) {
        this.probes = new Probe[Math.max(1, parallel.threads())];
        this.subject = subject;
        this.settings = settings;
        this.parallel = parallel;
        this.seed = seed;
    }

    /** @return one result per differentiable input, in input order */
    List<InputResult> run() {
        List<InputResult> out = new ArrayList<>();
        for (int i = 0; i < subject.values.length; i++) {
            if (subject.differentiable(i)) {
                out.add(checkInput(i));
            }
        }
        return out;
    }

    private String where(int i) {
        return subject.endToEnd ? "parameter " + subject.inputName(i)
                : subject.inputName(i) + " in " + subject.opName + "'s backward";
    }

    private InputResult checkInput(int i) {
        Tensor x = subject.values[i];
        int total = x.size();
        if (subject.nonFinite[i] != null) {
            return result(i, Verdict.NON_FINITE, subject.nonFinite[i], new Diagnosis.Entries(), 0, 0,
                    Double.NaN, Double.NaN);
        }
        if (subject.blocked[i] != null) {
            return result(i, Verdict.SKIPPED, subject.blocked[i], new Diagnosis.Entries(), 0, 0,
                    Double.NaN, Double.NaN);
        }
        if (subject.analytic == null) {
            return result(i, Verdict.CONTRACT, subject.contract[i] != null ? subject.contract[i]
                    : "backward broke the op contract for another input", new Diagnosis.Entries(), 0, 0,
                    Double.NaN, Double.NaN);
        }
        if (!subject.output.isFinite()) {
            return result(i, Verdict.NON_FINITE, "the forward output is not finite at the point checked;"
                    + " check the inputs' range (log of 0, division by 0, overflow)", new Diagnosis.Entries(),
                    0, 0, Double.NaN, Double.NaN);
        }
        int[] index;
        int directions = 0;
        Verdict directionVerdict = Verdict.PASS;
        switch (settings.coverage()) {
            case SUBSET:
                index = sample(total, settings.maxEntries(), mix(seed, i, 1));
                break;
            case FAST:
                directions = settings.directions();
                directionVerdict = directionCheck(i, directions, false);
                if (directionVerdict == Verdict.PASS) {
                    index = new int[0];
                } else {
                    index = sample(total, FAST_SAMPLE, mix(seed, i, 2));
                }
                break;
            default:
                index = new int[total];
                for (int k = 0; k < total; k++) {
                    index[k] = k;
                }
        }
        Diagnosis.Entries e = entries(i, index);
        decide(e);
        if (subject.endToEnd && !settings.seedMode() && Double.isNaN(settings.step())) {
            recheckAtShorterSteps(i, e);
        }
        if (settings.coverage() == Settings.Coverage.FAST && directionVerdict == Verdict.FAIL
                && !settings.seedMode() && !anyFailing(e)) {
            // No sampled entry is wrong: before searching for one, make sure the failure is not
            // kinks crossed along the direction (cheap, and only on this rare path).
            directionVerdict = directionCheck(i, directions, true);
        }
        if (settings.coverage() == Settings.Coverage.FAST && !directionVerdict.isPassing()
                && !anyFailing(e)) {
            // The sample missed the wrong entries: narrow them down by halving.
            int[] found = halve(i, total);
            if (found.length > 0) {
                int[] merged = merge(index, found);
                e = entries(i, merged);
                decide(e);
            }
        }
        return summarize(i, e, directions, directionVerdict);
    }

    /** @return worker {@code c}'s probe (see {@link Parallel#run}) */
    private Probe probe(int c) {
        Probe p = probes[c];
        if (p == null) {
            p = new Probe(subject, settings);
            probes[c] = p;
        }
        return p;
    }

    /** Estimates the numeric derivatives of the given entries, on the worker threads. */
    private Diagnosis.Entries entries(int i, int[] index) {
        Tensor x = subject.values[i];
        Diagnosis.Entries e = new Diagnosis.Entries();
        int n = index.length;
        e.dims = Shapes.dims(x);
        e.index = index;
        e.fullAnalytic = subject.analytic[i].data();
        e.complete = n == x.size();
        e.analytic = new double[n];
        e.numeric = new double[n];
        e.numericOnes = subject.endToEnd ? null : new double[n];
        e.allowed = new double[n];
        e.verdicts = new Verdict[n];
        double[] err = new double[n];
        byte[] status = new byte[n];
        double[] a = subject.analytic[i].data();
        for (int k = 0; k < n; k++) {
            e.analytic[k] = a[index[k]];
        }
        double[] ones = e.numericOnes;
        parallel.run(n, this::probe, (probe, k) -> {
            probe.entry(i, index[k]);
            e.numeric[k] = probe.numeric;
            if (ones != null) {
                ones[k] = probe.numericOnes;
            }
            err[k] = probe.error;
            status[k] = probe.status;
        });
        e.error = err;
        e.status = status;
        return e;
    }

    /**
     * End to end, the loss of a whole batch is replayed: the step of one parameter moves every
     * sample's pre-activations, and crosses many small kinks (one sample's ReLU each) that hide
     * under the curvature of the rest and escape the kink test, yet together bias the numeric
     * derivative. A failing entry is therefore estimated again with a step {@link #RECHECK_SHRINK}
     * times shorter: a wrong gradient stays wrong at any step, while the kinks' effect shrinks
     * with the step. An entry that then passes was failed by kinks crossed: it is
     * {@link Verdict#SKIPPED} (counted as skipped at a kink), never a pass.
     */
    private void recheckAtShorterSteps(int i, Diagnosis.Entries e) {
        int count = 0;
        for (Verdict v : e.verdicts) {
            count += v == Verdict.FAIL ? 1 : 0;
        }
        if (count == 0) {
            return; // the usual case, without building a stream per input
        }
        int[] failing = new int[count];
        for (int k = 0, q = 0; k < e.size(); k++) {
            if (e.verdicts[k] == Verdict.FAIL) {
                failing[q++] = k;
            }
        }
        double[] numeric = new double[failing.length];
        double[] error = new double[failing.length];
        byte[] status = new byte[failing.length];
        parallel.run(failing.length, this::probe, (probe, q) -> {
            probe.entry(i, e.index[failing[q]], 1.0 / RECHECK_SHRINK);
            numeric[q] = probe.numeric;
            error[q] = probe.error;
            status[q] = probe.status;
        });
        for (int q = 0; q < failing.length; q++) {
            int k = failing[q];
            double a = e.analytic[k];
            double n = numeric[q];
            double allowed = Probe.SAFETY * error[q] + settings.tolerance() * Math.max(Math.abs(a), Math.abs(n))
                    + 64 * Probe.EPS * Math.abs(a);
            if (status[q] == Probe.KINK || status[q] == Probe.OK && Math.abs(a - n) <= allowed) {
                e.verdicts[k] = Verdict.SKIPPED;
                e.status[k] = Probe.KINK;
                e.allowed[k] = Double.NaN;
            }
        }
    }

    /** Decides every entry (see the class comment). */
    private void decide(Diagnosis.Entries e) {
        int n = e.size();
        double scale = 0;
        for (int k = 0; k < n; k++) {
            double m = Math.max(Math.abs(e.analytic[k]), Math.abs(e.numeric[k]));
            if (Double.isFinite(m)) {
                scale = Math.max(scale, m);
            }
        }
        double floor = 64 * Probe.EPS * scale;
        double tol = settings.tolerance();
        for (int k = 0; k < n; k++) {
            double a = e.analytic[k];
            double num = e.numeric[k];
            double err = e.error[k];
            if (!Double.isFinite(a) || e.status[k] == Probe.NON_FINITE || !Double.isFinite(num)) {
                e.verdicts[k] = Verdict.NON_FINITE;
                e.allowed[k] = Double.NaN;
            } else if (a == 0 && num == 0) {
                e.verdicts[k] = Verdict.PASS;
                e.allowed[k] = settings.seedMode() ? Double.NaN : 0;
            } else if (settings.seedMode()) {
                // The notebook's rule, entry by entry only to rank the worst entries.
                double rel = Math.abs(a - num) / (Math.abs(a) + Math.abs(num));
                e.verdicts[k] = rel > tol ? Verdict.FAIL : Verdict.PASS;
                e.allowed[k] = Double.NaN;
            } else if (e.status[k] == Probe.KINK) {
                e.verdicts[k] = Verdict.SKIPPED;
                e.allowed[k] = Double.NaN;
            } else {
                double allowed = Probe.SAFETY * err + tol * Math.max(Math.abs(a), Math.abs(num)) + floor;
                e.allowed[k] = allowed;
                e.verdicts[k] = Math.abs(a - num) <= allowed ? Verdict.PASS : Verdict.FAIL;
            }
        }
    }

    private InputResult summarize(int i, Diagnosis.Entries e, int directions, Verdict directionVerdict) {
        double diff2 = 0;
        double a2 = 0;
        double n2 = 0;
        double maxAbs = 0;
        int skipped = 0;
        boolean nonFinite = directionVerdict == Verdict.NON_FINITE;
        boolean failed = directionVerdict == Verdict.FAIL;
        int compared = 0;
        for (int k = 0; k < e.size(); k++) {
            Verdict v = e.verdicts[k];
            if (v == Verdict.SKIPPED) {
                skipped++;
                continue;
            }
            nonFinite |= v == Verdict.NON_FINITE;
            failed |= v == Verdict.FAIL;
            double d = e.analytic[k] - e.numeric[k];
            diff2 += d * d;
            a2 += e.analytic[k] * e.analytic[k];
            n2 += e.numeric[k] * e.numeric[k];
            maxAbs = Math.max(maxAbs, Math.abs(d));
            if (Double.isNaN(d)) {
                maxAbs = Double.NaN;
            }
            compared++;
        }
        double denom = Math.sqrt(a2) + Math.sqrt(n2);
        double rel = denom == 0 ? (Double.isNaN(diff2) ? Double.NaN : 0) : Math.sqrt(diff2) / denom;
        if (compared == 0 && directions > 0) {
            // nothing compared entry by entry: report how the directions compared
            double dd = 0;
            double aa = 0;
            double nn = 0;
            for (int d = 0; d < directionAnalytic.length; d++) {
                double diff = directionAnalytic[d] - directionNumeric[d];
                dd += diff * diff;
                aa += directionAnalytic[d] * directionAnalytic[d];
                nn += directionNumeric[d] * directionNumeric[d];
                maxAbs = Double.isNaN(diff) ? Double.NaN : Math.max(maxAbs, Math.abs(diff));
            }
            double den = Math.sqrt(aa) + Math.sqrt(nn);
            rel = den == 0 ? (Double.isNaN(dd) ? Double.NaN : 0) : Math.sqrt(dd) / den;
        } else if (compared == 0) {
            rel = nonFinite ? Double.NaN : 0;
        }
        if (settings.seedMode() && !nonFinite) {
            failed = rel > settings.tolerance() || directionVerdict == Verdict.FAIL;
        }
        String where = where(i);
        Verdict verdict;
        String text;
        if (subject.contract[i] != null) {
            verdict = Verdict.CONTRACT;
            text = subject.contract[i] + (failed ? "; also: " + Diagnosis.failure(e, where, subject.endToEnd) : "");
        } else if (nonFinite) {
            verdict = Verdict.NON_FINITE;
            text = Diagnosis.nonFinite(e, where);
        } else if (failed) {
            verdict = Verdict.FAIL;
            text = Diagnosis.failure(e, where, subject.endToEnd);
        } else if (e.size() > 0 && skipped == e.size()) {
            verdict = Verdict.SKIPPED;
            text = Diagnosis.skipped(e);
        } else {
            verdict = Verdict.PASS;
            text = Diagnosis.skipped(e);
        }
        InputResult r = result(i, verdict, text, e, skipped, directions, rel, maxAbs);
        r.diff2 = diff2;
        r.analytic2 = a2;
        r.numeric2 = n2;
        return r;
    }

    private InputResult result(int i, Verdict verdict, String text, Diagnosis.Entries e, int skipped,
            int directions, double rel, double maxAbs) {
        boolean failing = verdict != Verdict.PASS && verdict != Verdict.SKIPPED;
        List<EntryResult> worst = failing ? Diagnosis.worst(e) : List.of();
        ErrorMap map = failing && e.size() > 0 ? ErrorMap.of(e) : null;
        return new InputResult(subject.label, subject.opName, i, subject.inputName(i),
                subject.values[i].shape(), subject.endToEnd, verdict, text, worst, e.size(),
                subject.values[i].size(), skipped, directions, rel, maxAbs, subject.parameters[i],
                Diagnosis.NUMERIC, map);
    }

    /**
     * Fast mode: k random directions; the worst verdict of them. A direction that meets a kink
     * decides nothing, so the input's sampled entries are checked instead.
     *
     * @param onlyShorter check shorter copies of the directions only (see {@link #shorter})
     */
    private Verdict directionCheck(int i, int k, boolean onlyShorter) {
        double[][] vs = new double[k][];
        for (int d = 0; d < k; d++) {
            vs[d] = direction(subject.values[i].size(), mix(seed, i, 100 + d), 0, subject.values[i].size());
        }
        Verdict[] out = new Verdict[k];
        double[] an = new double[k];
        double[] nu = new double[k];
        parallel.run(k, this::probe, (probe, d) -> {
            out[d] = onlyShorter ? shorter(probe, i, vs[d], 0, vs[d].length)
                    : directional(probe, i, vs[d], 0, vs[d].length);
            an[d] = dot(subject.analytic[i].data(), vs[d]);
            nu[d] = probe.numeric;
        });
        directionAnalytic = an;
        directionNumeric = nu;
        // PASS < SKIPPED (a kink along the direction) < FAIL < NON_FINITE
        Verdict worst = Verdict.PASS;
        for (Verdict v : out) {
            if (v == Verdict.NON_FINITE || v == Verdict.FAIL && worst != Verdict.NON_FINITE
                    || v == Verdict.SKIPPED && worst == Verdict.PASS) {
                worst = v;
            }
        }
        return worst;
    }

    private static double dot(double[] g, double[] v) {
        double a = 0;
        for (int q = 0; q < v.length; q++) {
            a += g[q] * v[q];
        }
        return a;
    }

    /**
     * Compares ⟨analytic, v⟩ with the numeric derivative along v (zero outside [lo, hi)). A
     * direction that meets a kink is tried again along shorter copies ({@link #shorter}).
     */
    private Verdict directional(Probe probe, int i, double[] v, int lo, int hi) {
        Verdict verdict = directionalOnce(probe, i, v, lo, hi);
        return verdict == Verdict.SKIPPED ? shorter(probe, i, v, lo, hi) : verdict;
    }

    /**
     * A direction moves every entry at once, so it can cross kinks (ReLUs downstream) that no
     * single entry's step reaches, and then neither fails nor passes honestly. A wrong gradient
     * stays wrong at any step while a kink's effect vanishes once the step no longer reaches
     * it, so the direction is tried along ever shorter copies of itself: one that still fails is
     * a FAIL; one that passes only when shorter is SKIPPED (weaker evidence, as roundoff grows),
     * and the input's sampled entries decide. The numeric derivative left in the probe is the one
     * along {@code v} itself.
     */
    private Verdict shorter(Probe probe, int i, double[] v, int lo, int hi) {
        double[] s = v;
        double factor = 1;
        Verdict verdict = Verdict.SKIPPED;
        for (int retry = 0; retry < DIRECTION_RETRIES
                && (verdict == Verdict.FAIL || verdict == Verdict.SKIPPED); retry++) {
            s = s.clone();
            for (int q = lo; q < hi; q++) {
                s[q] /= DIRECTION_SHRINK;
            }
            factor *= DIRECTION_SHRINK;
            verdict = directionalOnce(probe, i, s, lo, hi);
        }
        probe.numeric *= factor;
        probe.error *= factor;
        return verdict == Verdict.PASS ? Verdict.SKIPPED : verdict;
    }

    /** Compares ⟨analytic, v⟩ with the numeric derivative along v (zero outside [lo, hi)); a kink is SKIPPED. */
    private Verdict directionalOnce(Probe probe, int i, double[] v, int lo, int hi) {
        double[] g = subject.analytic[i].data();
        double a = 0;
        double scale = 0;
        for (int q = 0; q < v.length; q++) {
            a += g[q] * v[q];
            scale += Math.abs(g[q] * v[q]);
        }
        probe.direction(i, v, g, lo, hi);
        double n = probe.numeric;
        if (!Double.isFinite(a) || probe.status == Probe.NON_FINITE) {
            return Verdict.NON_FINITE;
        }
        if (a == 0 && n == 0) {
            return Verdict.PASS;
        }
        if (settings.seedMode()) {
            return Math.abs(a - n) / (Math.abs(a) + Math.abs(n)) > settings.tolerance() ? Verdict.FAIL : Verdict.PASS;
        }
        if (probe.status == Probe.KINK) {
            return Verdict.SKIPPED; // undecidable along this direction: sampled entries decide
        }
        double allowed = Probe.SAFETY * probe.error + settings.tolerance() * Math.max(Math.abs(a), Math.abs(n))
                + 64 * Probe.EPS * scale;
        return Math.abs(a - n) <= allowed ? Verdict.PASS : Verdict.FAIL;
    }

    /** Finds up to {@link #HALVING_BUDGET} wrong entries by checking halves along random directions. */
    private int[] halve(int i, int total) {
        Probe probe = probe(0);
        List<Integer> found = new ArrayList<>();
        halve(probe, i, 0, total, found);
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private void halve(Probe probe, int i, int lo, int hi, List<Integer> found) {
        if (found.size() >= HALVING_BUDGET || lo >= hi) {
            return;
        }
        double[] v = direction(subject.values[i].size(), mix(seed, i, 1000L + lo * 31L + hi), lo, hi);
        if (directional(probe, i, v, lo, hi) == Verdict.PASS) {
            return;
        }
        if (hi - lo == 1) {
            found.add(lo);
            return;
        }
        int mid = (lo + hi) >>> 1;
        halve(probe, i, lo, mid, found);
        halve(probe, i, mid, hi, found);
    }

    /** A seeded random direction supported on [lo, hi), scaled to a largest entry of 1. */
    static double[] direction(int n, long seed, int lo, int hi) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        double max = 0;
        for (int q = lo; q < hi; q++) {
            v[q] = rng.nextDouble(-1, 1);
            max = Math.max(max, Math.abs(v[q]));
        }
        for (int q = lo; q < hi; q++) {
            v[q] /= max;
        }
        return v;
    }

    /** At most {@code max} distinct entries of {@code [0, total)}, seeded, in increasing order. */
    static int[] sample(int total, int max, long seed) {
        if (max >= total) {
            int[] all = new int[total];
            for (int k = 0; k < total; k++) {
                all[k] = k;
            }
            return all;
        }
        // Partial Fisher-Yates on a permutation: exact, seeded, no repeats.
        int[] perm = new int[total];
        for (int k = 0; k < total; k++) {
            perm[k] = k;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < max; k++) {
            int j = k + rng.nextInt(total - k);
            int t = perm[k];
            perm[k] = perm[j];
            perm[j] = t;
        }
        int[] out = Arrays.copyOf(perm, max);
        Arrays.sort(out);
        return out;
    }

    private static boolean anyFailing(Diagnosis.Entries e) {
        for (Verdict v : e.verdicts) {
            if (v == Verdict.FAIL || v == Verdict.NON_FINITE) {
                return true;
            }
        }
        return false;
    }

    private static int[] merge(int[] a, int[] b) {
        return java.util.stream.IntStream.concat(Arrays.stream(a), Arrays.stream(b)).distinct().sorted().toArray();
    }

    /** Mixes a seed with small integers into a well-spread seed (SplitMix64 finalizer). */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
