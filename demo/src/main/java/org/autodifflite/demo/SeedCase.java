package org.autodifflite.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.autodifflite.core.Tensor;

/**
 * The seed notebook's test case, exactly as numpy produced it ({@code np.random.seed(1)}):
 * a batch of 3 payments with 4 features, labels {@code [1, 1, 0]}, and the parameters of the
 * fraud network {@code LINEAR(4→5) → RELU → LINEAR(5→3) → RELU → LINEAR(3→1) → SIGMOID}.
 * Read from the JSON resource {@code seed_test_case.json}; the numbers are data, not code.
 *
 * @param x the features, 4 × 3
 * @param y the labels, 1 × 3
 * @param w1 layer 1 weight, 5 × 4
 * @param b1 layer 1 bias, 5 × 1
 * @param w2 layer 2 weight, 3 × 5
 * @param b2 layer 2 bias, 3 × 1
 * @param w3 layer 3 weight, 1 × 3
 * @param b3 layer 3 bias, 1 × 1
 */
record SeedCase(Tensor x, Tensor y, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3) {

    private static final String RESOURCE = "seed_test_case.json";

    /**
     * Reads the test case. Every call returns fresh tensors, so a caller may train or perturb
     * them freely.
     *
     * @return the test case
     * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
     */
    static SeedCase load() {
        try (InputStream in = SeedCase.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the demo jar");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                JsonObject o = JsonParser.parseReader(r).getAsJsonObject();
                return new SeedCase(matrix(o, "X"), matrix(o, "Y"), matrix(o, "W1"), matrix(o, "b1"),
                        matrix(o, "W2"), matrix(o, "b2"), matrix(o, "W3"), matrix(o, "b3"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static Tensor matrix(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalStateException(RESOURCE + ": '" + key + "' is missing or not a 2-D array");
        }
        JsonArray rows = e.getAsJsonArray();
        double[][] v = new double[rows.size()][];
        for (int i = 0; i < v.length; i++) {
            JsonArray row = rows.get(i).getAsJsonArray();
            v[i] = new double[row.size()];
            for (int j = 0; j < v[i].length; j++) {
                v[i][j] = row.get(j).getAsDouble();
            }
        }
        return Tensor.of(v);
    }
}
