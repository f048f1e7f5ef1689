package org.autodifflite.demo;

import java.util.List;
import java.util.Random;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Dataset;

/**
 * A seeded synthetic mobile-payments data set for the fraud model: the seed notebook's story
 * ("flag fraudulent mobile payments") with data a newcomer can train on without downloading
 * anything.
 *
 * <p>Each payment is first drawn as fraud or not (a few percent are), then its features are drawn
 * from that class's distributions, which overlap, so the problem is learnable but not trivial.
 * Heavy-tailed quantities are given as logarithms, as one would feed them to a net.
 */
final class PaymentsData {

    /** The feature names, in row order. */
    static final List<String> FEATURES = List.of(
            "log_amount",          // log of the amount paid, in currency units
            "hour",                // hour of day, 0–23
            "log_distance_km",     // log(1 + distance from the cardholder's home, km)
            "new_device",          // 1 if the phone was not seen before on this account
            "tx_last_24h",         // payments on the account in the previous 24 hours (velocity)
            "foreign_merchant",    // 1 if the merchant is in another country
            "log_account_age_days" // log(1 + age of the account, days)
    );

    /** The label's name: 1 for a fraudulent payment, 0 otherwise. */
    static final String LABEL = "fraud";

    /** The fraud rate of the default data set. */
    static final double DEFAULT_FRAUD_RATE = 0.03;

    private PaymentsData() {
    }

    /**
     * Draws a data set. The same arguments always give the same data.
     *
     * @param samples the number of payments
     * @param fraudRate the probability that a payment is fraud, in (0, 1)
     * @param seed the random seed
     * @return features (7 × samples) and labels (1 × samples; 1 = fraud)
     * @throws IllegalArgumentException if samples &lt; 1 or the rate is outside (0, 1)
     */
    static Dataset generate(int samples, double fraudRate, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (!(fraudRate > 0 && fraudRate < 1)) {
            throw new IllegalArgumentException("fraud rate must be in (0, 1), got " + fraudRate);
        }
        Random rng = new Random(seed);
        Tensor x = Tensor.zeros(FEATURES.size(), samples);
        Tensor y = Tensor.zeros(1, samples);
        for (int j = 0; j < samples; j++) {
            boolean fraud = rng.nextDouble() < fraudRate;
            y.set(0, j, fraud ? 1 : 0);
            double amount = Math.exp(fraud ? 4.2 + 1.1 * rng.nextGaussian() : 3.4 + 1.0 * rng.nextGaussian());
            // Fraud leans to the night; ordinary payments to the afternoon.
            double hour = fraud && rng.nextDouble() < 0.5
                    ? rng.nextInt(6)
                    : Math.floorMod((long) Math.floor(14 + 4 * rng.nextGaussian()), 24);
            double distance = Math.exp(fraud ? 3.0 + 1.5 * rng.nextGaussian() : 1.5 + 1.0 * rng.nextGaussian());
            double newDevice = rng.nextDouble() < (fraud ? 0.40 : 0.05) ? 1 : 0;
            double velocity = poisson(fraud ? 5.0 : 2.0, rng);
            double foreign = rng.nextDouble() < (fraud ? 0.20 : 0.03) ? 1 : 0;
            double accountAge = -Math.log(1 - rng.nextDouble()) * (fraud ? 250 : 900);
            double[] row = {Math.log(amount), hour, Math.log1p(distance), newDevice, velocity, foreign,
                Math.log1p(accountAge)};
            for (int i = 0; i < row.length; i++) {
                x.set(i, j, row[i]);
            }
        }
        return new Dataset("synthetic payments (seed " + seed + ")", FEATURES, x, y);
    }

    /** Knuth's method: fine for the small means used here. */
    private static int poisson(double mean, Random rng) {
        double limit = Math.exp(-mean);
        double p = rng.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= rng.nextDouble();
            k++;
        }
        return k;
    }
}
