package org.autodifflite.check;

import java.util.Locale;

/**
 * The one-dimensional check of the notebook's §2: {@code gradapprox = (J(θ+ε) − J(θ−ε))/(2ε)}
 * against the analytic derivative, with
 * {@code difference = |grad − gradapprox| / (|grad| + |gradapprox|)}, computed with exactly the
 * notebook's IEEE operations so its figure is reproduced bit for bit.
 */
public final class ScalarCheck {

    private final double theta;
    private final double epsilon;
    private final double jPlus;
    private final double jMinus;
    private final double gradient;
    private final double gradApprox;
    private final double difference;
    private final double threshold;

    ScalarCheck(double theta, double epsilon, double jPlus, double jMinus, double gradient,
            double threshold) {
        this.theta = theta;
        this.epsilon = epsilon;
        this.jPlus = jPlus;
        this.jMinus = jMinus;
        this.gradient = gradient;
        this.gradApprox = (jPlus - jMinus) / (2 * epsilon);
        double denominator = Math.abs(gradient) + Math.abs(gradApprox);
        // Both exactly zero agree: no 0/0.
        this.difference = denominator == 0 && gradient == gradApprox ? 0
                : Math.abs(gradient - gradApprox) / denominator;
        this.threshold = threshold;
    }

    /** @return the point θ */
    public double theta() {
        return theta;
    }

    /** @return the step ε */
    public double epsilon() {
        return epsilon;
    }

    /** @return {@code J(θ + ε)} */
    public double jPlus() {
        return jPlus;
    }

    /** @return {@code J(θ − ε)} */
    public double jMinus() {
        return jMinus;
    }

    /** @return the analytic derivative {@code dJ(θ)} */
    public double gradient() {
        return gradient;
    }

    /** @return the central difference {@code (J(θ+ε) − J(θ−ε)) / (2ε)} */
    public double gradApprox() {
        return gradApprox;
    }

    /** @return {@code |grad − gradapprox| / (|grad| + |gradapprox|)}; 0 when both are 0 */
    public double difference() {
        return difference;
    }

    /** @return the threshold the difference is compared with */
    public double threshold() {
        return threshold;
    }

    /**
     * @return {@link Verdict#NON_FINITE} if anything is NaN or infinite (the notebook would call
     *     NaN correct), {@link Verdict#FAIL} if the difference exceeds the threshold, else
     *     {@link Verdict#PASS}
     */
    public Verdict verdict() {
        if (!Double.isFinite(gradient) || !Double.isFinite(gradApprox) || !Double.isFinite(difference)) {
            return Verdict.NON_FINITE;
        }
        return difference > threshold ? Verdict.FAIL : Verdict.PASS;
    }

    /** @return whether {@link #verdict()} is {@link Verdict#PASS} */
    public boolean passed() {
        return verdict() == Verdict.PASS;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "θ=%s ε=%s grad=%s gradapprox=%s difference=%s (threshold %s): %s",
                theta, epsilon, gradient, gradApprox, difference, threshold, verdict());
    }
}
