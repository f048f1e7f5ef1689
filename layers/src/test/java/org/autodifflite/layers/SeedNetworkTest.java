package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.junit.jupiter.api.Test;

/** The seed notebook's fraud network, built from layers, reproduces the notebook's figures. */
class SeedNetworkTest {

    private static void assertRelativelyClose(String what, double actual, double expected, double tol) {
        double scale = Math.max(Math.abs(expected), Double.MIN_NORMAL);
        assertThat(Math.abs(actual - expected) / scale)
                .as("%s: got %s, expected %s", what, actual, expected)
                .isLessThanOrEqualTo(tol);
    }

    @Test
    void costMatchesTheNotebook() {
        Map<String, Tensor> t = SeedCase.testCase();
        ModelGraph mg = SeedCase.network().graph(t.get("X"), t.get("Y"), true);
        assertRelativelyClose("cost", mg.lossValue(), SeedCase.COST, 1e-12);
    }

    @Test
    void gradientsMatchTheNotebookWithinOneInATrillion() {
        Map<String, Tensor> t = SeedCase.testCase();
        Map<String, Tensor> expected = SeedCase.gradients();
        Sequential model = SeedCase.network();
        ModelGraph mg = model.graph(t.get("X"), t.get("Y"), true);
        mg.graph().zeroGrad();
        mg.backward();
        String[] seedNames = {"dW1", "db1", "dW2", "db2", "dW3", "db3"};
        List<Parameter> ps = model.parameters();
        assertThat(ps).extracting(Parameter::name).containsExactly(
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
        for (int k = 0; k < ps.size(); k++) {
            Tensor got = ps.get(k).grad();
            Tensor want = expected.get(seedNames[k]);
            assertThat(got.shape()).isEqualTo(want.shape());
            for (int i = 0; i < want.size(); i++) {
                double w = want.get(i);
                if (w == 0.0) {
                    // Dead ReLU units: the notebook's gradient is exactly 0, and so must ours be.
                    assertThat(got.get(i)).as("%s[%d]", seedNames[k], i).isEqualTo(0.0);
                } else {
                    assertRelativelyClose(seedNames[k] + "[" + i + "]", got.get(i), w, 1e-12);
                }
            }
        }
    }

    @Test
    void theSeedNetworkHasTheNotebookShapes() {
        Sequential model = SeedCase.network();
        assertThat(model.inputWidth()).isEqualTo(4);
        assertThat(model.outputWidth()).isEqualTo(1);
        assertThat(model.parameterCount()).isEqualTo(5 * 4 + 5 + 3 * 5 + 3 + 3 + 1);
        assertThat(model.parameter("fc2.weight").value().shape()).isEqualTo("3×5");
    }
}
