package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Optimizer;
import org.autodifflite.layers.train.Sgd;
import org.junit.jupiter.api.Test;

/** Optimizer updates worked out by hand, and refused steps. */
class OptimizerTest {

    private static Parameter param(double value, double grad) {
        Parameter p = new Parameter("p.w", Tensor.row(value));
        p.grad().set(0, grad);
        return p;
    }

    @Test
    void sgdStepsAgainstTheGradient() {
        Parameter p = param(1.0, 2.0);
        new Sgd(0.1).step(List.of(p));
        assertThat(p.value().get(0)).isCloseTo(0.8, within(1e-15));
    }

    @Test
    void sgdMomentumAccumulatesVelocityPerParameter() {
        Parameter p = param(1.0, 1.0);
        Parameter q = param(0.0, -1.0);
        Sgd sgd = new Sgd(0.1, 0.9);
        sgd.step(List.of(p, q));   // v = 1 → p = 0.9 ; q: v = −1 → 0.1
        sgd.step(List.of(p, q));   // v = 0.9 + 1 = 1.9 → p = 0.71 ; q = 0.29
        assertThat(p.value().get(0)).isCloseTo(0.71, within(1e-15));
        assertThat(q.value().get(0)).isCloseTo(0.29, within(1e-15));
    }

    @Test
    void adamFirstStepsMoveByAboutTheLearningRate() {
        Parameter p = param(1.0, 5.0);
        Adam adam = new Adam(0.01);
        adam.step(List.of(p));
        // t = 1: m̂ = g, v̂ = g², step = lr·g/(|g| + ε)
        assertThat(p.value().get(0)).isCloseTo(1.0 - 0.01 * 5 / (5 + 1e-8), within(1e-15));
        double before = p.value().get(0);
        p.grad().set(0, -5.0);
        adam.step(List.of(p));
        // t = 2: m = 0.9·0.5 + 0.1·(−5) = −0.05, m̂ = −0.05/0.19; v = 0.999·0.025·… computed here:
        double m = 0.9 * 0.5 + 0.1 * -5;
        double v = 0.999 * (0.001 * 25) + 0.001 * 25;
        double expected = before - 0.01 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        assertThat(p.value().get(0)).isCloseTo(expected, within(1e-15));
    }

    @Test
    void aNonFiniteGradientIsRefusedBeforeAnyParameterChanges() {
        for (Optimizer opt : List.of(new Sgd(0.1, 0.5), new Adam(0.1))) {
            Parameter good = param(1.0, 1.0);
            Parameter bad = new Parameter("fc2.bias", Tensor.column(3.0, 4.0));
            bad.grad().set(1, Double.NaN);
            assertThatThrownBy(() -> opt.step(List.of(good, bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fc2.bias").hasMessageContaining("[1][0]").hasMessageContaining("NaN")
                    .hasMessageContaining("no parameter was changed");
            assertThat(good.value().get(0)).isEqualTo(1.0);
            assertThat(bad.value()).isEqualTo(Tensor.column(3.0, 4.0));
        }
    }

    @Test
    void badHyperParametersAreRejected() {
        assertThatThrownBy(() -> new Sgd(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new Sgd(0.1, 1.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new Adam(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adam(0.1, 0.9, 1.0, 1e-8)).isInstanceOf(IllegalArgumentException.class);
    }
}
