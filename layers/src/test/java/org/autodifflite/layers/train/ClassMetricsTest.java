package org.autodifflite.layers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link ClassMetrics}: the confusion matrix, accuracy and per-class precision and recall of a
 * worked example computed by hand; logits and their softmax give the same metrics; one-hot
 * labels and index labels agree; bad input names the entry and the layout.
 */
class ClassMetricsTest {

    /**
     * Six samples, three classes, scores k × m (one column per sample). True classes
     * 0 0 1 1 2 2; predicted (largest score) 0 1 1 1 2 0.
     */
    private static final Tensor SCORES = Tensor.of(new double[][] {
        {3, 0, -1, 0, 0, 2},
        {1, 2, 4, 5, 0, 1},
        {0, 1, 0, 0, 1, 1}});
    private static final Tensor LABELS = Tensor.row(0, 0, 1, 1, 2, 2);

    @Test
    void aWorkedExampleGivesTheConfusionMatrixAndTheRatesComputedByHand() {
        ClassMetrics m = ClassMetrics.of(SCORES, LABELS);
        assertThat(m.classes()).isEqualTo(3);
        assertThat(m.samples()).isEqualTo(6);
        assertThat(m.predicted()).containsExactly(0, 1, 1, 1, 2, 0);
        assertThat(m.actual()).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(m.confusion()).isDeepEqualTo(new int[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
        assertThat(m.count(2, 0)).isEqualTo(1);
        assertThat(m.correct()).isEqualTo(4);
        assertThat(m.accuracy()).isEqualTo(4 / 6.0);
        assertThat(m.precision(0)).isEqualTo(0.5);       // predicted 0: samples 0 (a 0) and 5 (a 2)
        assertThat(m.recall(0)).isEqualTo(0.5);
        assertThat(m.precision(1)).isEqualTo(2 / 3.0);   // predicted 1: samples 1, 2, 3
        assertThat(m.recall(1)).isEqualTo(1.0);
        assertThat(m.precision(2)).isEqualTo(1.0);
        assertThat(m.recall(2)).isEqualTo(0.5);
        assertThat(m.f1(1)).isCloseTo(0.8, within(1e-15));
        assertThat(m.macroF1()).isCloseTo((0.5 + 0.8 + 2 / 3.0) / 3, within(1e-15));
        assertThat(m.misclassified()).containsExactly(1, 5);
        assertThat(m.toString()).isEqualTo("ClassMetrics(3 classes, 6 samples, accuracy 0.6667)");
    }

    @Test
    void theTextRenderingHasRowsOfTrueClassesColumnsOfPredictionsAndBothRates() {
        String nl = System.lineSeparator();
        assertThat(ClassMetrics.of(SCORES, LABELS).render()).isEqualTo(
                "true \\ predicted     0     1     2  recall" + nl
                + "               0     1     1     0   0.500" + nl
                + "               1     0     2     0   1.000" + nl
                + "               2     1     0     1   0.500" + nl
                + "       precision 0.500 0.667 1.000" + nl
                + "accuracy 0.6667 (4 of 6)" + nl);
    }

    @Test
    void logitsAndTheirSoftmaxProbabilitiesGiveTheSameMetrics() {
        Tensor p = Tensor.zerosLike(SCORES);
        for (int j = 0; j < SCORES.cols(); j++) {
            double sum = 0;
            for (int i = 0; i < SCORES.rows(); i++) {
                sum += Math.exp(SCORES.get(i, j));
            }
            for (int i = 0; i < SCORES.rows(); i++) {
                p.set(i, j, Math.exp(SCORES.get(i, j)) / sum);
            }
        }
        assertThat(ClassMetrics.of(p, LABELS).confusion()).isDeepEqualTo(ClassMetrics.of(SCORES, LABELS).confusion());
    }

    @Test
    void oneHotLabelsVectorLabelsAndPredictedIndicesAgree() {
        Tensor oneHot = Tensor.zeros(3, 6);
        for (int j = 0; j < 6; j++) {
            oneHot.set((int) LABELS.get(0, j), j, 1.0);
        }
        int[][] want = ClassMetrics.of(SCORES, LABELS).confusion();
        assertThat(ClassMetrics.of(SCORES, oneHot).confusion()).isDeepEqualTo(want);
        assertThat(ClassMetrics.of(SCORES, Tensor.vector(0, 0, 1, 1, 2, 2)).confusion()).isDeepEqualTo(want);
        assertThat(ClassMetrics.ofPredictions(Tensor.row(0, 1, 1, 1, 2, 0), LABELS, 3).confusion()).isDeepEqualTo(want);
        // Ties go to the first class; a class never predicted has precision 0, one that never occurs recall 0.
        ClassMetrics tie = ClassMetrics.of(Tensor.of(new double[][] {{1, 1}, {1, 1}, {0, 0}}), Tensor.row(1, 0));
        assertThat(tie.predicted()).containsExactly(0, 0);
        assertThat(tie.precision(1)).isZero();
        assertThat(tie.recall(2)).isZero();
        assertThat(ClassMetrics.argmax(SCORES)).containsExactly(0, 1, 1, 1, 2, 0);
    }

    @Test
    void badInputIsRefusedNamingTheEntryAndTheLayout() {
        assertThatThrownBy(() -> ClassMetrics.of(SCORES, Tensor.row(0, 0, 1, 1.5, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ClassMetrics: labels[0][3] = 1.5 is not a class index; labels must be whole numbers in"
                        + " [0, 3) (0 … 2)");
        assertThatThrownBy(() -> ClassMetrics.of(SCORES, Tensor.row(0, 0, 1, 1, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels[0][4] = 3.0 is not a class index");
        assertThatThrownBy(() -> ClassMetrics.of(SCORES, Tensor.row(0, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels are 1×3 but there are 6 samples");
        assertThatThrownBy(() -> ClassMetrics.of(SCORES.transpose(), LABELS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels are 1×6 but there are 3 samples");
        assertThatThrownBy(() -> ClassMetrics.of(Tensor.row(0.2, 0.9, 0.4), Tensor.row(0, 1, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores are 1×3 but must be k × m, classes × samples")
                .hasMessageContaining("for samples × classes pass scores.transpose()");
        Tensor nan = SCORES.copy();
        nan.set(1, 4, Double.NaN);
        assertThatThrownBy(() -> ClassMetrics.of(nan, LABELS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("score [1][4] = NaN is not finite");
        Tensor notOneHot = Tensor.zeros(3, 6).map(v -> 0.5);
        assertThatThrownBy(() -> ClassMetrics.of(SCORES, notOneHot)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels column 0 is [0.5, 0.5, 0.5], not one-hot");
        assertThatThrownBy(() -> ClassMetrics.ofPredictions(Tensor.row(0, 1), LABELS, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels are 1×6 but there are 2 samples");
        assertThatThrownBy(() -> ClassMetrics.ofPredictions(Tensor.row(0, 1), Tensor.row(0, 1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 classes");
    }
}
