package org.autodifflite.check;

import java.util.Locale;

/**
 * The checker's options, immutable. {@link GradientChecker} is the public face; this record is
 * what the package-private machinery reads.
 *
 * @param seedMode whether to reproduce the notebook (plain central difference, one threshold)
 * @param step the step, or NaN for the default per-entry step
 * @param tolerance the relative floor of the default mode, or the threshold of seed mode
 * @param seed the seed of every random choice (upstream gradients, samples, directions)
 * @param threads how many threads check entries
 * @param coverage which entries are checked
 * @param directions random directions per input in fast mode
 * @param maxEntries the most entries per input in subset mode
 * @param minimumCoverage the least share of each input's checked entries that must be verified
 *     (not skipped at a kink), or 0 for none
 */
record Settings(boolean seedMode, double step, double tolerance, long seed, int threads,
        Coverage coverage, int directions, int maxEntries, double minimumCoverage) {

    /** The notebook's step and threshold. */
    static final double SEED_EPSILON = 1e-7;

    /** The default relative tolerance floor: far below a 1% bug, far above roundoff. */
    static final double DEFAULT_TOLERANCE = 1e-6;

    /** Which entries of each input are checked. */
    enum Coverage {
        /** every entry */
        EXHAUSTIVE,
        /** k random directions per input, then a sample of entries if one fails */
        FAST,
        /** at most N seeded random entries per input */
        SUBSET
    }

    static Settings defaults() {
        return new Settings(false, Double.NaN, DEFAULT_TOLERANCE, 42L,
                Math.max(1, Runtime.getRuntime().availableProcessors()), Coverage.EXHAUSTIVE, 2, 0, 0);
    }

    /** @return the step actually used in seed mode */
    double seedStep() {
        return Double.isNaN(step) ? SEED_EPSILON : step;
    }

    /** @return a short description of the method, for reports */
    String modeText() {
        return seedMode ? "seed" : "default";
    }

    /** @return the step as reported: a number, or how the default step is chosen */
    String stepText() {
        if (seedMode) {
            return String.format(Locale.ROOT, "%.1e (plain central difference)", seedStep());
        }
        if (!Double.isNaN(step)) {
            return String.format(Locale.ROOT, "h=%.3e and h/2 (Richardson)", step);
        }
        return "h≈∛ε·max(1,|x|) per node, ε^(1/5)·max(1,|x|) end to end (powers of 2), and h/2 (Richardson)";
    }

    /** @return what each input's check covers, for reports */
    String coverageText() {
        switch (coverage) {
            case FAST:
                return "fast (" + directions + " random directions per input)";
            case SUBSET:
                return "subset (at most " + maxEntries + " random entries per input)";
            default:
                return "exhaustive (every entry)";
        }
    }
}
