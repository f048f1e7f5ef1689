package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.autodifflite.core.Tensor;
import org.autodifflite.layers.train.BinaryMetrics;
import org.junit.jupiter.api.Test;

/** Metrics against values worked out by hand. */
class BinaryMetricsTest {

    // scores 0.9 0.8 0.7 0.6 0.55 0.4 0.3 0.2 ; labels 1 1 0 1 0 0 1 0
    private static final Tensor SCORES = Tensor.row(0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2);
    private static final Tensor LABELS = Tensor.row(1, 1, 0, 1, 0, 0, 1, 0);

    @Test
    void confusionCountsAndDerivedMetricsAtAThreshold() {
        BinaryMetrics m = BinaryMetrics.at(SCORES, LABELS, 0.5);
        // predicted positive: first five → tp = 3 (0.9, 0.8, 0.6), fp = 2 (0.7, 0.55)
        assertThat(m.truePositives()).isEqualTo(3);
        assertThat(m.falsePositives()).isEqualTo(2);
        assertThat(m.trueNegatives()).isEqualTo(2);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.accuracy()).isEqualTo(5.0 / 8);
        assertThat(m.precision()).isEqualTo(3.0 / 5);
        assertThat(m.recall()).isEqualTo(3.0 / 4);
        assertThat(m.f1()).isCloseTo(2 * 0.6 * 0.75 / 1.35, within(1e-15)); // = 2/3
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void rocAucCountsCorrectlyOrderedPairs() {
        // Pairs (positive, negative): 4·4 = 16. Positive 0.9 beats all 4 negatives, 0.8 all 4,
        // 0.6 beats 0.55, 0.4, 0.2 (3), 0.3 beats 0.2 (1): 12 / 16.
        assertThat(BinaryMetrics.rocAuc(SCORES, LABELS)).isEqualTo(12.0 / 16);
    }

    @Test
    void rocAucCountsTiesAsOneHalf() {
        // positives 0.5, 0.5 ; negatives 0.5, 0.1: pairs 4; (0.5 vs 0.5) ties ×2 → 1, (0.5 vs 0.1) wins ×2 → 2.
        Tensor s = Tensor.row(0.5, 0.5, 0.5, 0.1);
        Tensor l = Tensor.row(1, 1, 0, 0);
        assertThat(BinaryMetrics.rocAuc(s, l)).isEqualTo(3.0 / 4);
        // All scores equal: a coin toss.
        assertThat(BinaryMetrics.rocAuc(Tensor.row(2, 2, 2), Tensor.row(1, 0, 0))).isEqualTo(0.5);
        // Perfectly reversed.
        assertThat(BinaryMetrics.rocAuc(Tensor.row(0.1, 0.9), Tensor.row(1, 0))).isEqualTo(0.0);
    }

    @Test
    void undefinedRatiosAreZeroAndBadInputIsRejected() {
        BinaryMetrics none = BinaryMetrics.at(Tensor.row(0.1, 0.2), Tensor.row(0, 0), 0.5);
        assertThat(none.precision()).isEqualTo(0.0);
        assertThat(none.recall()).isEqualTo(0.0);
        assertThat(none.f1()).isEqualTo(0.0);
        assertThat(none.accuracy()).isEqualTo(1.0);
        assertThatThrownBy(() -> BinaryMetrics.rocAuc(Tensor.row(0.1, 0.2), Tensor.row(0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 positives");
        assertThatThrownBy(() -> BinaryMetrics.at(Tensor.row(0.1), Tensor.row(0.5), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> BinaryMetrics.rocAuc(Tensor.row(Double.NaN, 1), Tensor.row(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> BinaryMetrics.rocAuc(Tensor.row(1, 2), Tensor.row(0, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1×2").hasMessageContaining("1×3");
    }
}
