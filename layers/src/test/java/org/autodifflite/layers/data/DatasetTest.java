package org.autodifflite.layers.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;
import org.junit.jupiter.api.Test;

/** Data sets: shapes, counts, selection and mini-batches. */
class DatasetTest {

    /** n samples of 2 features; sample j has features (j, 10 j) and label j % 3 == 0. */
    static Dataset numbered(int n) {
        Tensor x = Tensor.zeros(2, n);
        Tensor y = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            x.set(0, j, j);
            x.set(1, j, 10 * j);
            y.set(0, j, j % 3 == 0 ? 1 : 0);
        }
        return new Dataset("numbered", List.of("j", "ten_j"), x, y);
    }

    @Test
    void countsAndShapes() {
        Dataset d = numbered(9);
        assertThat(d.size()).isEqualTo(9);
        assertThat(d.featureCount()).isEqualTo(2);
        assertThat(d.positives()).isEqualTo(3);
        assertThat(d.positiveRate()).isEqualTo(3 / 9.0);
        assertThat(d.toString()).isEqualTo("Dataset(numbered: 9 samples, 2 features [j, ten_j], labels 1×9)");
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> new Dataset("s", List.of("a"), Tensor.zeros(2, 3), Tensor.zeros(1, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("s: 1 feature names, features 2×3 and labels 1×3 do not fit (features must be names ×"
                        + " samples, labels k × samples with the same number of samples)");
        assertThatThrownBy(() -> new Dataset("s", List.of("a"), Tensor.zeros(1, 3), Tensor.zeros(1, 4)))
                .hasMessageContaining("features 1×3 and labels 1×4 do not fit");
    }

    @Test
    void anEmptySetHasNoPositivesAndNoBatches() {
        Dataset empty = new Dataset("empty", List.of("a"), Tensor.zeros(1, 0), Tensor.zeros(1, 0));
        assertThat(empty.size()).isZero();
        assertThat(empty.positiveRate()).isZero();
        assertThatThrownBy(() -> empty.batches(2, new Well19937c(1)))
                .hasMessage("MiniBatches: the number of samples and the batch size must be ≥ 1, got 0 samples and batch size 2");
    }

    @Test
    void positivesNeedOneLabelRow() {
        Dataset twoRows = new Dataset("onehot", List.of("a"), Tensor.zeros(1, 2), Tensor.of(new double[] {1, 0},
                new double[] {0, 1}));
        assertThatThrownBy(twoRows::positives).isInstanceOf(IllegalStateException.class)
                .hasMessage("onehot: positives() counts 1s in a single label row; the labels are 2×2");
    }

    @Test
    void selectKeepsTheOrderAndChecksTheIndices() {
        Dataset d = numbered(5).select(new int[] {4, 1, 1}, "picked");
        assertThat(d.source()).isEqualTo("picked");
        assertThat(d.features().toArray()).isEqualTo(new double[][] {{4, 1, 1}, {40, 10, 10}});
        assertThat(d.labels().toArray()).isEqualTo(new double[][] {{0, 0, 0}});
        assertThatThrownBy(() -> numbered(5).select(new int[] {5}, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numbered: sample index 5 is out of range; the set has 5 samples (0 … 4)");
    }

    @Test
    void batchesHoldEverySampleOnceAndAreTheTrainersBatches() {
        Dataset d = numbered(10);
        List<Dataset> batches = d.batches(4, new Well19937c(7));
        assertThat(batches).extracting(Dataset::size).containsExactly(4, 4, 2);
        Set<Double> seen = new HashSet<>();
        for (Dataset b : batches) {
            for (int k = 0; k < b.size(); k++) {
                // Features and label stay together.
                double j = b.features().get(0, k);
                assertThat(b.features().get(1, k)).isEqualTo(10 * j);
                assertThat(b.labels().get(0, k)).isEqualTo(j % 3 == 0 ? 1.0 : 0.0);
                seen.add(j);
            }
        }
        assertThat(seen).hasSize(10);
        // The same columns MiniBatches gives the Trainer from the same seed, epoch after epoch.
        Well19937c mine = new Well19937c(3);
        Well19937c trainers = new Well19937c(3);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Double> got = new ArrayList<>();
            for (Dataset b : d.batches(3, mine)) {
                for (int k = 0; k < b.size(); k++) {
                    got.add(b.features().get(0, k));
                }
            }
            List<Double> expected = new ArrayList<>();
            for (int[] cols : MiniBatches.shuffled(10, 3, trainers)) {
                for (int c : cols) {
                    expected.add((double) c);
                }
            }
            assertThat(got).isEqualTo(expected);
        }
        assertThat(d.batches(3, new Well19937c(1)).get(0).features())
                .isNotEqualTo(d.batches(3, new Well19937c(2)).get(0).features());
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> numbered(3).batches(0, new Well19937c(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numbered: the batch size must be ≥ 1, got 0");
        assertThatThrownBy(() -> MiniBatches.shuffled(3, 0, new Well19937c(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MiniBatches: the number of samples and the batch size must be ≥ 1, got 3 samples and batch size 0");
    }
}
