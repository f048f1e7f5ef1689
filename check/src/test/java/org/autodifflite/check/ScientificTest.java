package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reports' fast number formatting gives exactly {@code String.format}'s text, so reports
 * read the same as before it: over random bit patterns, random decimals, exact ties of the
 * rounding digit, and the edge cases.
 */
class ScientificTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sameTextAsTheFormatterOnRandomValues(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            double v;
            switch (i % 5) {
                case 0 -> v = Double.longBitsToDouble(r.nextLong());
                case 1 -> v = r.nextDouble(-1e3, 1e3);
                case 2 -> v = Math.round(r.nextDouble() * 1e9) / Math.pow(10, r.nextInt(15));
                case 3 -> v = (r.nextInt(2_000_000) * 10 + 5) / Math.pow(10, r.nextInt(20)); // ties
                default -> v = r.nextGaussian() * Math.pow(10, r.nextInt(-300, 300));
            }
            for (int digits : new int[] {0, 1, 2, 3, 6}) {
                assertThat(Scientific.format(v, digits)).as("%s with %d digits", v, digits)
                        .isEqualTo(String.format(Locale.ROOT, "%." + digits + "e", v));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, 1.0, -1.0, 9.9999995, 9.99999949999, 0.95, 0.995, 9.5, 99.5, 1e-5,
        1e7, 1e-3, 9.9999999e7, Double.MIN_VALUE, Double.MAX_VALUE, 0.3, 1.0000005, 2.5, 0.125, 1e22, 1e23,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void sameTextAsTheFormatterOnEdgeCases(double v) {
        for (int digits : new int[] {0, 1, 2, 3, 6}) {
            assertThat(Scientific.format(v, digits)).isEqualTo(String.format(Locale.ROOT, "%." + digits + "e", v));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fixedGivesTheFormattersTextToo(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble(-10, 10);
                case 1 -> (r.nextInt(200_000) * 10 + 5) / Math.pow(10, r.nextInt(8)); // ties
                case 2 -> Math.round(r.nextDouble() * 1e6) / Math.pow(10, r.nextInt(8));
                default -> r.nextGaussian() * Math.pow(10, r.nextInt(-8, 20));
            };
            for (int digits : new int[] {0, 1, 2, 6}) {
                assertThat(Scientific.fixed(v, digits)).as("%s with %d digits", v, digits)
                        .isEqualTo(String.format(Locale.ROOT, "%." + digits + "f", v));
            }
        }
        for (double v : new double[] {0.0, -0.0, 0.005, -0.005, -0.001, 0.0099, 2.675, 0.995, 9.995, 1e300,
            Double.NaN, Double.NEGATIVE_INFINITY}) {
            assertThat(Scientific.fixed(v, 2)).isEqualTo(String.format(Locale.ROOT, "%.2f", v));
        }
    }
}
