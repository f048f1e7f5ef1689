package org.autodifflite.layers;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;

/** The seed notebook's test case, read from the JSON copied into the test resources. */
final class SeedCase {

    /** The notebook's cost at the test case (the seed notebook, docs/demo.md). */
    static final double COST = 2.407833389834357;

    private SeedCase() {
    }

    /** @return the tensors of {@code seed_test_case.json}: X, Y, W1, b1, W2, b2, W3, b3 */
    static Map<String, Tensor> testCase() {
        return read("/seed_test_case.json");
    }

    /** @return the tensors of {@code seed_gradients.json}: dW1 … db3 */
    static Map<String, Tensor> gradients() {
        return read("/seed_gradients.json");
    }

    /** The notebook's network, LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID with mean BCE, set to the test case. */
    static Sequential network() {
        Sequential model = Sequential.builder(4).seed(1)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1).sigmoid()
                .loss(new BinaryCrossEntropy())
                .build();
        Map<String, Tensor> t = testCase();
        for (int layer = 1; layer <= 3; layer++) {
            model.setParameter("fc" + layer + ".weight", t.get("W" + layer));
            model.setParameter("fc" + layer + ".bias", t.get("b" + layer));
        }
        return model;
    }

    private static Map<String, Tensor> read(String resource) {
        try (InputStream in = SeedCase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Map<String, double[][]> raw = new Gson().fromJson(r,
                        new com.google.gson.reflect.TypeToken<Map<String, double[][]>>() { }.getType());
                Map<String, Tensor> out = new java.util.LinkedHashMap<>();
                raw.forEach((k, v) -> out.put(k, Tensor.of(v)));
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
