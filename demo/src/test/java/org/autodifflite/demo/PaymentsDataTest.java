package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.layers.data.Dataset;
import org.autodifflite.layers.data.Split;
import org.autodifflite.layers.data.Standardizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentsDataTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026})
    void theSameSeedGivesTheSameDataAndAnotherSeedOtherData(long seed) {
        Dataset a = PaymentsData.generate(500, 0.03, seed);
        Dataset b = PaymentsData.generate(500, 0.03, seed);
        Dataset c = PaymentsData.generate(500, 0.03, seed + 1);
        assertThat(a.features()).isEqualTo(b.features());
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(a.features()).isNotEqualTo(c.features());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026})
    void aFewPercentAreFraudAndTheFeaturesArePlausible(long seed) {
        Dataset d = PaymentsData.generate(20_000, PaymentsData.DEFAULT_FRAUD_RATE, seed);
        assertThat(d.featureNames()).hasSize(d.features().rows()).contains("hour", "new_device");
        // 3 % of 20 000 is 600 with a standard deviation of about 24.
        assertThat(d.positiveRate()).isBetween(0.025, 0.035);
        assertThat(d.features().isFinite()).isTrue();
        int hour = d.featureNames().indexOf("hour");
        int device = d.featureNames().indexOf("new_device");
        double fraudDevice = 0;
        double okDevice = 0;
        for (int j = 0; j < d.size(); j++) {
            double h = d.features().get(hour, j);
            assertThat(h).isBetween(0.0, 23.0).isEqualTo(Math.rint(h));
            double dev = d.features().get(device, j);
            assertThat(dev).isIn(0.0, 1.0);
            if (d.labels().get(0, j) == 1) {
                fraudDevice += dev;
            } else {
                okDevice += dev;
            }
        }
        // Fraud comes from new devices far more often: the signal the model has to find.
        assertThat(fraudDevice / d.positives()).isGreaterThan(4 * okDevice / (d.size() - d.positives()));
    }

    @Test
    void splitIsStratifiedAndStandardizingUsesTheTrainingMoments() {
        Dataset d = PaymentsData.generate(2_000, 0.05, 3);
        Split parts = d.split(0.25, 9);
        assertThat(parts.train().size() + parts.test().size()).isEqualTo(d.size());
        assertThat(parts.train().positives() + parts.test().positives()).isEqualTo(d.positives());
        assertThat(parts.test().positives()).isEqualTo((int) Math.round(d.positives() * 0.25));
        Standardizer s = Standardizer.fit(Standardizer.fit(parts.train()).transform(parts.train()));
        for (int i = 0; i < s.featureCount(); i++) {
            assertThat(s.means()[i]).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.stds()[i]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> PaymentsData.generate(0, 0.03, 1)).hasMessageContaining("samples");
        assertThatThrownBy(() -> PaymentsData.generate(10, 1.5, 1)).hasMessageContaining("fraud rate");
    }
}
