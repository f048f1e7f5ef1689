package org.autodifflite.layers.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** Standardizing with the statistics of the set fitted on. */
class StandardizerTest {

    @Test
    void theFittedSetGetsMeanZeroAndDeviationOne() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, new double[] {10, 30, 50, 70});
        Standardizer s = Standardizer.fit(x);
        assertThat(s.featureCount()).isEqualTo(2);
        assertThat(s.means()).containsExactly(2.5, 40);
        // Sample deviation (n − 1): sqrt(5/3) and sqrt(2000/3).
        assertThat(s.stds()[0]).isCloseTo(Math.sqrt(5.0 / 3), within(1e-15));
        assertThat(s.stds()[1]).isCloseTo(Math.sqrt(2000.0 / 3), within(1e-12));
        Standardizer again = Standardizer.fit(s.transform(x));
        for (int i = 0; i < 2; i++) {
            assertThat(again.means()[i]).isCloseTo(0.0, within(1e-15));
            assertThat(again.stds()[i]).isCloseTo(1.0, within(1e-15));
        }
        assertThat(x).isEqualTo(Tensor.of(new double[] {1, 2, 3, 4}, new double[] {10, 30, 50, 70}));
    }

    @Test
    void otherSetsUseTheFittedStatistics() {
        Standardizer s = Standardizer.fit(Tensor.of(new double[] {0, 2}));
        // mean 1, std sqrt(2)
        assertThat(s.transform(Tensor.of(new double[] {1, 1 + Math.sqrt(2) * 3})).toArray())
                .isEqualTo(new double[][] {{0, 3}});
        Standardizer same = Standardizer.of(s.means(), s.stds());
        assertThat(same.transform(Tensor.of(new double[] {5}))).isEqualTo(s.transform(Tensor.of(new double[] {5})));
    }

    @Test
    void aConstantFeatureIsOnlyCentred() {
        Tensor x = Tensor.of(new double[] {4, 4, 4}, new double[] {1, 2, 3});
        Standardizer s = Standardizer.fit(x);
        assertThat(s.stds()[0]).isZero();
        assertThat(s.isConstant(0)).isTrue();
        assertThat(s.isConstant(1)).isFalse();
        Tensor t = s.transform(Tensor.of(new double[] {4, 6.5}, new double[] {2, 2}));
        assertThat(t.toArray()[0]).containsExactly(0, 2.5);
        assertThat(t.isFinite()).isTrue();
        // One sample: nothing to estimate a deviation from; centred.
        Standardizer one = Standardizer.fit(Tensor.of(new double[] {7}));
        assertThat(one.stds()).containsExactly(0);
        assertThat(one.transform(Tensor.of(new double[] {9})).toArray()).isEqualTo(new double[][] {{2}});
        assertThatThrownBy(() -> s.isConstant(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aDatasetKeepsItsNamesLabelsAndSource() {
        Dataset d = DatasetTest.numbered(6);
        Standardizer s = Standardizer.fit(d);
        Dataset t = s.transform(d);
        assertThat(t.source()).isEqualTo(d.source());
        assertThat(t.featureNames()).isEqualTo(d.featureNames());
        assertThat(t.labels()).isEqualTo(d.labels());
        assertThat(t.features()).isEqualTo(s.transform(d.features()));
        assertThat(s.toString()).startsWith("Standardizer(means [2.5, 25.0], stds [");
    }

    @Test
    void badInputIsRefusedWithWhatAndWhere() {
        Tensor bad = Tensor.of(new double[] {1, 2}, new double[] {3, Double.NaN});
        assertThatThrownBy(() -> Standardizer.fit(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Standardizer.fit: feature row 1, sample column 1 is NaN; a standardizer needs finite"
                        + " features (remove or impute that sample)");
        Dataset d = new Dataset("tx.csv", List.of("a", "b"), bad, Tensor.zeros(1, 2));
        assertThatThrownBy(() -> Standardizer.fit(d)).hasMessageStartingWith("tx.csv: feature row 1, sample column 1 is NaN");
        assertThatThrownBy(() -> Standardizer.fit(Tensor.zeros(3, 0)))
                .hasMessage("Standardizer.fit: no samples to fit a standardizer on (features 3×0)");
        Dataset empty = new Dataset("empty.csv", List.of("a"), Tensor.zeros(1, 0), Tensor.zeros(1, 0));
        assertThatThrownBy(() -> Standardizer.fit(empty))
                .hasMessage("empty.csv: no samples to fit a standardizer on (features 1×0)");
        Standardizer s = Standardizer.fit(Tensor.of(new double[] {1, 2}));
        assertThatThrownBy(() -> s.transform(Tensor.zeros(2, 3)))
                .hasMessage("Standardizer: fitted on 1 features (rows), got 2×3; give features × samples with the same"
                        + " features in the same order");
        assertThatThrownBy(() -> s.transform(DatasetTest.numbered(2)))
                .hasMessage("numbered: 2 features [j, ten_j], but the standardizer was fitted on 1");
        assertThatThrownBy(() -> Standardizer.of(new double[] {0, 1}, new double[] {1}))
                .hasMessage("Standardizer.of: 2 means but 1 standard deviations; give one of each per feature");
        assertThatThrownBy(() -> Standardizer.of(new double[] {0}, new double[] {-1}))
                .hasMessage("Standardizer.of: feature 0 has mean 0.0 and standard deviation -1.0; the mean must be"
                        + " finite and the deviation finite and ≥ 0");
        assertThatThrownBy(() -> Standardizer.of(new double[] {Double.NaN}, new double[] {1}))
                .hasMessageContaining("feature 0 has mean NaN");
    }
}
