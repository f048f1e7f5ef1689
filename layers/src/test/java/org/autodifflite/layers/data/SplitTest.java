package org.autodifflite.layers.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded train/test splits. */
class SplitTest {

    private static List<Double> ids(Dataset d) {
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < d.size(); k++) {
            out.add(d.features().get(0, k));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 9, 42})
    void stratifiedKeepsTheClassShareInBothPartsAndLosesNothing(long seed) {
        Dataset d = DatasetTest.numbered(300); // 100 positives
        Split s = d.split(0.25, seed);
        assertThat(s.train().size() + s.test().size()).isEqualTo(300);
        assertThat(s.test().positives()).isEqualTo(25);
        assertThat(s.train().positives()).isEqualTo(75);
        List<Double> all = new ArrayList<>(ids(s.train()));
        all.addAll(ids(s.test()));
        assertThat(all).doesNotHaveDuplicates().hasSize(300);
        assertThat(s.train().source()).isEqualTo("numbered (train)");
        assertThat(s.test().source()).isEqualTo("numbered (test)");
        // Features and labels stay together.
        for (Dataset part : List.of(s.train(), s.test())) {
            for (int k = 0; k < part.size(); k++) {
                assertThat(part.labels().get(0, k)).isEqualTo(part.features().get(0, k) % 3 == 0 ? 1.0 : 0.0);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        Dataset d = DatasetTest.numbered(60);
        assertThat(ids(d.split(0.3, 5).test())).isEqualTo(ids(d.split(0.3, 5).test()));
        assertThat(ids(d.split(0.3, 5).test())).isNotEqualTo(ids(d.split(0.3, 6).test()));
        assertThat(ids(Split.random(d, 0.3, 5).test())).isEqualTo(ids(Split.random(d, 0.3, 5).test()));
        assertThat(ids(Split.random(d, 0.3, 5).test())).isNotEqualTo(ids(Split.random(d, 0.3, 6).test()));
    }

    @Test
    void stratifiedGroupsAnyLabelValuesAndMultiRowLabels() {
        Tensor x = Tensor.zeros(1, 40);
        Tensor y = Tensor.zeros(2, 40);
        for (int j = 0; j < 40; j++) {
            x.set(0, j, j);
            if (j % 4 == 0) {
                y.set(0, j, 1); // 10 samples labelled (1, 0)
            } else {
                y.set(1, j, 2); // 30 labelled (0, 2)
            }
        }
        Split s = Split.stratified(new Dataset("multi", List.of("j"), x, y), 0.5, 3);
        int rare = 0;
        for (int k = 0; k < s.test().size(); k++) {
            rare += s.test().labels().get(0, k) == 1 ? 1 : 0;
        }
        assertThat(s.test().size()).isEqualTo(20);
        assertThat(rare).isEqualTo(5);
    }

    @Test
    void randomSplitsAnyLabelsByTheFraction() {
        Tensor x = Tensor.zeros(1, 10);
        Tensor y = Tensor.zeros(1, 10);
        for (int j = 0; j < 10; j++) {
            x.set(0, j, j);
            y.set(0, j, 0.1 * j); // continuous targets: each its own group
        }
        Dataset d = new Dataset("regression", List.of("j"), x, y);
        Split s = Split.random(d, 0.3, 1);
        assertThat(s.test().size()).isEqualTo(3);
        assertThat(s.train().size()).isEqualTo(7);
        assertThatThrownBy(() -> Split.stratified(d, 0.3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("regression: 10 samples are too few to split into a training and a test set (10 label"
                        + " groups, each split by itself; the test set would be empty)");
    }

    @Test
    void badFractionsAndTinySetsAreRefused() {
        Dataset d = DatasetTest.numbered(3);
        for (double f : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> d.split(f, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("test fraction must be in (0, 1), got " + f);
            assertThatThrownBy(() -> Split.random(d, f, 1)).hasMessage("test fraction must be in (0, 1), got " + f);
        }
        assertThatThrownBy(() -> Split.random(DatasetTest.numbered(1), 0.5, 1))
                .hasMessage("numbered: 1 samples are too few to split into a training and a test set (test fraction"
                        + " 0.5; the training set would be empty)");
    }
}
