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

    /**
     * The friction of the user trial: logits −3, 0.2, 0.3, 4 thresholded at 0.5 gave precision
     * 1.0 and recall 0.333 without a word. Logits are refused; their probabilities give the
     * right counts.
     */
    @Test
    void logitsAreRefusedWithTheFixAndTheirProbabilitiesCountRight() {
        Tensor logits = Tensor.row(-3, 0.2, 0.3, 4);
        Tensor labels = Tensor.row(0, 1, 1, 1);
        assertThatThrownBy(() -> BinaryMetrics.at(logits, labels, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BinaryMetrics.at: score [0][0] = -3.0 is not within [0, 1]; pass probabilities, not logits"
                        + " (apply a sigmoid to logits: Sequential.predictProbabilities(x) does it for a model trained with"
                        + " SigmoidBinaryCrossEntropy)");
        assertThatThrownBy(() -> BinaryMetrics.at(Tensor.row(0.5, 1.25), Tensor.row(0, 1), 0.5))
                .hasMessageStartingWith("BinaryMetrics.at: score [0][1] = 1.25 is not within [0, 1]");
        Tensor p = new org.autodifflite.core.ops.Sigmoid().forward(logits);
        BinaryMetrics m = BinaryMetrics.at(p, labels, 0.5);
        // σ(0.2), σ(0.3), σ(4) are all above 0.5: every positive found, no false positive.
        assertThat(m.precision()).isEqualTo(1.0);
        assertThat(m.recall()).isEqualTo(1.0);
        // The ROC-AUC depends on the order alone, which the sigmoid keeps: logits are fine there.
        assertThat(BinaryMetrics.rocAuc(logits, labels)).isEqualTo(BinaryMetrics.rocAuc(p, labels)).isEqualTo(1.0);
    }

    @Test
    void aThresholdOutsideTheProbabilityScaleIsRefusedAndItsEdgesAreAccepted() {
        assertThatThrownBy(() -> BinaryMetrics.at(SCORES, LABELS, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BinaryMetrics.at: the threshold is 1.5; it is a probability and must be within [0, 1]"
                        + " (0.5 for the more likely class)");
        assertThatThrownBy(() -> BinaryMetrics.at(SCORES, LABELS, Double.NaN)).hasMessageContaining("threshold is NaN");
        assertThat(BinaryMetrics.at(SCORES, LABELS, 0.0).truePositives()).isEqualTo(4);   // everything predicted 1
        assertThat(BinaryMetrics.at(SCORES, LABELS, 1.0).truePositives()).isZero();       // nothing reaches 1
        assertThat(BinaryMetrics.at(Tensor.row(0, 1), Tensor.row(0, 1), 0.5).accuracy()).isEqualTo(1.0);
    }
}
