package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Linear;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlantedBugTest {

    private static Tensor[] inputs(long seed) {
        return new Tensor[] {Tensor.randn(3, 4, seed), Tensor.randn(2, 3, seed + 1), Tensor.randn(2, 1, seed + 2)};
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void spoilsOnlyTheChosenGradientAndNeverTheForwardPass(long seed) {
        Op linear = new Linear();
        Tensor[] in = inputs(seed);
        Tensor outRight = linear.forward(in);
        Tensor g = Tensor.randn(2, 4, seed + 3);
        Tensor[] right = linear.backward(in, outRight, g);

        Op scale = new PlantedBug(linear, 1, PlantedBug.Kind.SCALE, 2);
        assertThat(scale.forward(in)).isEqualTo(outRight);
        Tensor[] scaled = scale.backward(in, outRight, g);
        assertThat(scaled[1]).isEqualTo(right[1].scale(2));
        assertThat(scaled[0]).isEqualTo(right[0]);
        assertThat(scaled[2]).isEqualTo(right[2]);

        Tensor[] signed = new PlantedBug(linear, 2, PlantedBug.Kind.SIGN, 0).backward(in, outRight, g);
        assertThat(signed[2]).isEqualTo(right[2].scale(-1));

        Tensor[] transposed = new PlantedBug(linear, 1, PlantedBug.Kind.TRANSPOSE, 0).backward(in, outRight, g);
        assertThat(transposed[1].shape()).isEqualTo(right[1].shape());
        assertThat(transposed[1].data()).containsExactly(right[1].transpose().data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scale", "SIGN", " transpose "})
    void kindsParseInAnyCase(String s) {
        assertThat(PlantedBug.Kind.parse(s)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"double", ""})
    void unknownKindsNameTheChoices(String s) {
        assertThatThrownBy(() -> PlantedBug.Kind.parse(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scale, sign or transpose");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3})
    void anInputOutOfRangeIsRefused(int input) {
        assertThatThrownBy(() -> new PlantedBug(new Linear(), input, PlantedBug.Kind.SIGN, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Linear");
    }

    @ParameterizedTest
    @ValueSource(strings = {"W", "b"})
    void theNameSaysItIsAPlantedBug(String which) {
        Op bug = new PlantedBug(new Linear(), which.equals("W") ? 1 : 2, PlantedBug.Kind.SCALE, 4);
        assertThat(bug.name()).isEqualTo("Linear [planted bug: " + which + " ×4]");
    }
}
