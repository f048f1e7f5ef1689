package org.autodifflite.check;

import org.autodifflite.core.Tensor;

/**
 * The numeric derivative of {@code φ(t) = ⟨u, f(x + t·v)⟩} for one entry ({@code v = eⱼ}) or
 * one direction, with an estimate of its own error. One probe per thread; it perturbs its
 * evaluator's private inputs in place and restores the exact saved values in {@code finally}.
 *
 * <p>Default mode evaluates f at {@code x ± h} and {@code x ± h/2}. The central differences
 * {@code D(h)} and {@code D(h/2)} are combined by Richardson extrapolation,
 * {@code R = (4·D(h/2) − D(h))/3}, whose error is estimated as the truncation estimate
 * {@code |D(h/2) − D(h)|/3} plus a roundoff bound {@code (4·ε_machine·Σ|uₖ|·|yₖ| +
 * ε_machine·maxₖ|uₖ·yₖ|) / (h/2)}, the sum over the outputs that changed, the last term the
 * resolution of an output too flat to change at all. The same four values give the one-sided difference gaps
 * {@code s(h) = (φ(h) − 2φ(0) + φ(−h))/h}: for a smooth f, {@code s ≈ h·f''} halves with h; at a
 * kink inside the step it does not, and the entry is marked as a kink.
 *
 * <p>If an evaluation is NaN or infinite (a step that leaves the domain of a log), the default
 * step is shrunk by 16 up to {@link #DOMAIN_RETRIES} times before the entry is non-finite.
 *
 * <p>Differences are summed term by term, {@code Σ uₖ·(yₖ(+) − yₖ(−))}, so outputs an entry does
 * not touch cancel exactly instead of adding the roundoff of the whole sum.
 */
final class Probe {

    static final byte OK = 0;
    static final byte KINK = 1;
    static final byte NON_FINITE = 2;

    /** ε_machine, the spacing of doubles at 1. */
    static final double EPS = Math.ulp(1.0);
    /** The cube root of ε_machine: the step that balances truncation and roundoff. */
    static final double CBRT_EPS = Math.cbrt(EPS);
    /**
     * The fifth root of ε_machine: the step that balances Richardson's O(h⁴) truncation and
     * roundoff. Used end to end, where the loss of a whole graph carries far more roundoff than
     * one op's output (on the seed network, ∛ε steps leave 7.5e-9 of noise, ε^(1/5) steps 1e-10).
     */
    static final double FIFTH_ROOT_EPS = Math.pow(EPS, 0.2);
    /** How many times a step that meets NaN or infinity is shrunk (by 16) before giving up. */
    static final int DOMAIN_RETRIES = 3;
    /** How much the decisions trust the error estimates: the estimate times this is allowed. */
    static final double SAFETY = 10;

    private final Subject.Evaluator ev;
    private final double[] u;
    private final double[] y0;
    private final Settings settings;
    private final double relativeStep;
    /** {@code maxₖ |uₖ·yₖ|} at the unperturbed point: the same for every probe of a subject. */
    private final double largestTerm;

    /** The numeric derivative of the last probe. */
    double numeric;
    /** The same with {@code u} replaced by ones (to recognise a backward that ignores u). */
    double numericOnes;
    /** The estimated error of {@link #numeric} (NaN in seed mode). */
    double error;
    /** {@link #OK}, {@link #KINK} or {@link #NON_FINITE}. */
    byte status;

    Probe(Subject subject, Settings settings) {
        this.ev = subject.newEvaluator();
        this.u = subject.u;
        this.y0 = subject.output.data();
        this.settings = settings;
        this.relativeStep = subject.endToEnd ? FIFTH_ROOT_EPS : CBRT_EPS;
        double largest = 0;
        for (int k = 0; k < u.length; k++) {
            largest = Math.max(largest, Math.abs(u[k] * y0[k]));
        }
        this.largestTerm = largest;
    }

    /**
     * The default step for an entry of magnitude |x|: the power of two at or below
     * {@code relative·max(1,|x|)}, so that {@code x ± h} and {@code x ± h/2} are exact in nearly
     * every case.
     *
     * @param relative {@link #CBRT_EPS} for one op, {@link #FIFTH_ROOT_EPS} end to end
     */
    static double defaultStep(double x, double relative) {
        double h = relative * Math.max(1.0, Math.abs(x));
        return Double.isFinite(h) ? Math.scalb(1.0, Math.getExponent(h)) : relative;
    }

    /**
     * Estimates the derivative along the entry {@code j} of input {@code i}.
     */
    void entry(int i, int j) {
        entry(i, j, 1);
    }

    /**
     * Estimates the derivative along the entry {@code j} of input {@code i} with the default step
     * multiplied by {@code scale} (a power of two), to tell a wrong gradient, which stays wrong at
     * any step, from kinks crossed by the step, whose effect vanishes as it shrinks.
     */
    void entry(int i, int j, double scale) {
        double[] d = ev.input(i).data();
        double x0 = d[j];
        if (settings.seedMode()) {
            double eps = settings.seedStep();
            double[] yp;
            double[] ym;
            try {
                d[j] = x0 + eps;
                yp = ev.evaluate(i, j, j + 1, 0).data();
                d[j] = x0 - eps;
                ym = ev.evaluate(i, j, j + 1, 1).data();
            } finally {
                d[j] = x0;
            }
            seedCombine(yp, ym, eps);
            return;
        }
        boolean fixed = !Double.isNaN(settings.step());
        double h = fixed ? settings.step() : defaultStep(x0, relativeStep) * scale;
        for (int attempt = 0; ; attempt++) {
            double h2 = h / 2;
            // The steps actually taken: (x0 + h) − x0 is exact, so x0 + p1 is the perturbed value.
            double p1 = (x0 + h) - x0;
            double m1 = x0 - (x0 - h);
            double p2 = (x0 + h2) - x0;
            double m2 = x0 - (x0 - h2);
            double[] yp1;
            double[] ym1;
            double[] yp2;
            double[] ym2;
            try {
                d[j] = x0 + p1;
                yp1 = ev.evaluate(i, j, j + 1, 0).data();
                d[j] = x0 - m1;
                ym1 = ev.evaluate(i, j, j + 1, 1).data();
                d[j] = x0 + p2;
                yp2 = ev.evaluate(i, j, j + 1, 2).data();
                d[j] = x0 - m2;
                ym2 = ev.evaluate(i, j, j + 1, 3).data();
            } finally {
                d[j] = x0;
            }
            combine(yp1, ym1, yp2, ym2, p1 + m1, p2 + m2, 0);
            // A step that leaves f's domain (log near 0) is retried smaller before NON_FINITE.
            if (status != NON_FINITE || fixed || attempt == DOMAIN_RETRIES) {
                return;
            }
            h /= 16;
        }
    }

    /**
     * Estimates the directional derivative along {@code v} (same length as input {@code i}),
     * which is zero outside {@code [lo, hi)}: only those entries are moved.
     *
     * @param analytic the analytic gradient, used only to bound the error of representing
     *     {@code x + t·v} in doubles
     */
    void direction(int i, double[] v, double[] analytic, int lo, int hi) {
        double[] d = ev.input(i).data();
        double[] x0 = d.clone();
        double scale = 0;
        double repr = 0;
        for (int k = 0; k < d.length; k++) {
            scale = Math.max(scale, Math.abs(x0[k]));
            repr += Math.abs(x0[k] * analytic[k]);
        }
        if (settings.seedMode()) {
            double eps = settings.seedStep();
            double[] yp;
            double[] ym;
            try {
                shift(d, x0, v, eps, lo, hi);
                yp = ev.evaluate(i, lo, hi, 0).data();
                shift(d, x0, v, -eps, lo, hi);
                ym = ev.evaluate(i, lo, hi, 1).data();
            } finally {
                System.arraycopy(x0, 0, d, 0, d.length);
            }
            seedCombine(yp, ym, eps);
            return;
        }
        boolean fixed = !Double.isNaN(settings.step());
        double h = fixed ? settings.step() : defaultStep(scale, relativeStep);
        for (int attempt = 0; ; attempt++) {
            double[] yp1;
            double[] ym1;
            double[] yp2;
            double[] ym2;
            try {
                shift(d, x0, v, h, lo, hi);
                yp1 = ev.evaluate(i, lo, hi, 0).data();
                shift(d, x0, v, -h, lo, hi);
                ym1 = ev.evaluate(i, lo, hi, 1).data();
                shift(d, x0, v, h / 2, lo, hi);
                yp2 = ev.evaluate(i, lo, hi, 2).data();
                shift(d, x0, v, -h / 2, lo, hi);
                ym2 = ev.evaluate(i, lo, hi, 3).data();
            } finally {
                System.arraycopy(x0, 0, d, 0, d.length);
            }
            // x + t·v is rounded entry by entry: up to ε·|xₖ| per entry, worth ε·Σ|xₖ·gₖ| in φ.
            combine(yp1, ym1, yp2, ym2, 2 * h, h, EPS * repr);
            if (status != NON_FINITE || fixed || attempt == DOMAIN_RETRIES) {
                return;
            }
            h /= 16;
        }
    }

    private static void shift(double[] d, double[] x0, double[] v, double t, int lo, int hi) {
        for (int k = lo; k < hi; k++) {
            d[k] = x0[k] + t * v[k];
        }
    }

    /** The notebook's formula: J± = ⟨u, y±⟩, gradapprox = (J+ − J−)/(2ε). */
    private void seedCombine(double[] yp, double[] ym, double eps) {
        double jp = 0;
        double jm = 0;
        double op = 0;
        double om = 0;
        for (int k = 0; k < u.length; k++) {
            jp += u[k] * yp[k];
            jm += u[k] * ym[k];
            op += yp[k];
            om += ym[k];
        }
        numeric = (jp - jm) / (2 * eps);
        numericOnes = (op - om) / (2 * eps);
        error = Double.NaN;
        status = Double.isFinite(numeric) ? OK : NON_FINITE;
    }

    /**
     * Richardson extrapolation, error estimate and kink test from the four evaluations.
     *
     * @param w1 the full width of the wide step, {@code (x+h) − (x−h)}
     * @param w2 the full width of the narrow step
     * @param reprNoise roundoff in φ from representing the perturbed input
     */
    private void combine(double[] yp1, double[] ym1, double[] yp2, double[] ym2, double w1,
            double w2, double reprNoise) {
        double c1 = 0;
        double c2 = 0;
        double s1 = 0;
        double s2 = 0;
        double o1 = 0;
        double o2 = 0;
        double magnitude = 0;
        boolean finite = true;
        for (int k = 0; k < u.length; k++) {
            double a = yp1[k];
            double b = ym1[k];
            double c = yp2[k];
            double e = ym2[k];
            double z = y0[k];
            if (a == z && b == z && c == z && e == z) {
                continue; // untouched by this perturbation: contributes exactly nothing
            }
            if (!(Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c)
                    && Double.isFinite(e) && Double.isFinite(z))) {
                finite = false;
                break;
            }
            double uk = u[k];
            c1 += uk * (a - b);
            c2 += uk * (c - e);
            s1 += uk * ((a - z) + (b - z));
            s2 += uk * ((c - z) + (e - z));
            o1 += a - b;
            o2 += c - e;
            double m = Math.max(Math.max(Math.abs(a), Math.abs(b)),
                    Math.max(Math.max(Math.abs(c), Math.abs(e)), Math.abs(z)));
            magnitude += Math.abs(uk) * m;
        }
        if (!finite) {
            numeric = Double.NaN;
            numericOnes = Double.NaN;
            error = Double.NaN;
            status = NON_FINITE;
            return;
        }
        double d1 = c1 / w1;
        double d2 = c2 / w2;
        double r = (w2 * w2) / (w1 * w1); // 1/4 for exact halving
        numeric = (d2 - r * d1) / (1 - r);
        numericOnes = (o2 / w2 - r * (o1 / w1)) / (1 - r);
        double truncation = Math.abs(d2 - d1) * r / (1 - r);
        // An output that did not change at all may still depend on the entry, below its own
        // resolution (tanh saturated at 1): one ulp of the largest term bounds what is invisible.
        double roundoff = (4 * EPS * magnitude + EPS * largestTerm + reprNoise) / (w2 / 2);
        // One-sided gaps per unit step: s/(w/2) ≈ (w/2)·f'' for smooth f, so gap2 ≈ (w2/w1)·gap1.
        double g1 = s1 / (w1 / 2);
        double g2 = s2 / (w2 / 2);
        double jump = Math.abs(g2 - (w2 / w1) * g1);
        error = truncation + roundoff;
        double noise = SAFETY * 8 * EPS * magnitude / (w2 / 2);
        double gate = Math.max(noise, Math.max(0.25 * Math.max(Math.abs(g1), Math.abs(g2)),
                settings.tolerance() * Math.abs(numeric)));
        status = !Double.isFinite(numeric) ? NON_FINITE : jump > gate ? KINK : OK;
    }
}
