package org.autodifflite.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.model.Activation;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.DropoutLayer;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Layer;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;

/**
 * The networks the demo builds: the seed notebook's fraud network (correct, with the notebook's
 * two bugs planted, or with dropout), and a multi-layer perceptron of any sizes with an optional
 * planted bug.
 */
final class Networks {

    /** The notebook's bugs: layer 2's weight gradient ×2, layer 1's bias gradient ×4. */
    static final Map<String, String> SEED_BUGS = Map.of("fc2.weight", "scale=2", "fc1.bias", "scale=4");

    private Networks() {
    }

    /**
     * The seed notebook's network {@code LINEAR(4→5) → RELU → LINEAR(5→3) → RELU → LINEAR(3→1) →
     * SIGMOID} with the mean binary cross-entropy, its parameters set to the test case.
     *
     * @param seed the test case
     * @param bugs parameter name → bug spec ({@code scale=2}, {@code sign}, {@code transpose}),
     *     empty for the correct network
     * @param keep if below 1, a dropout layer keeping this share of units follows each ReLU
     * @param dropoutSeed the seed of the dropout masks
     * @return the model
     */
    static Sequential seed(SeedCase seed, Map<String, String> bugs, double keep, long dropoutSeed) {
        RandomGenerator rng = new Well19937c(dropoutSeed);
        List<Layer> layers = new ArrayList<>();
        int[] sizes = {4, 5, 3, 1};
        List<Dense> dense = new ArrayList<>();
        for (int i = 1; i < sizes.length; i++) {
            Dense d = new Dense("fc" + i, sizes[i - 1], sizes[i], Initializer.zeros(), rng);
            dense.add(d);
            layers.add(withBug(d, bugs));
            if (i < sizes.length - 1) {
                layers.add(new Activation("relu" + i, new ReLU()));
                if (keep < 1) {
                    layers.add(new DropoutLayer("dropout" + i, keep, new Well19937c(rng.nextLong())));
                }
            } else {
                layers.add(new Activation("sigmoid", new Sigmoid()));
            }
        }
        Sequential model = Sequential.of(4, new BinaryCrossEntropy(), layers);
        dense.get(0).weight().assign(seed.w1());
        dense.get(0).bias().assign(seed.b1());
        dense.get(1).weight().assign(seed.w2());
        dense.get(1).bias().assign(seed.b2());
        dense.get(2).weight().assign(seed.w3());
        dense.get(2).bias().assign(seed.b3());
        return model;
    }

    /**
     * A multi-layer perceptron for binary labels: dense layers {@code fc1 … fcN} of the given
     * sizes with ReLU between them, He-initialized, and the sigmoid cross-entropy on the last
     * layer's output (logits).
     *
     * @param sizes the widths, input first, for example {@code 784,128,64,1}
     * @param bugs parameter name → bug spec, empty for none
     * @param seed the seed of the initial weights
     * @return the model
     * @throws IllegalArgumentException if fewer than two sizes are given, a size is below 1, or a
     *     bug names a parameter the network does not have
     */
    static Sequential mlp(int[] sizes, Map<String, String> bugs, long seed) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("--layers needs at least an input and an output size,"
                    + " for example 784,128,64,1; got " + sizes.length + " size" + (sizes.length == 1 ? "" : "s"));
        }
        RandomGenerator rng = new Well19937c(seed);
        List<Layer> layers = new ArrayList<>();
        for (int i = 1; i < sizes.length; i++) {
            layers.add(withBug(new Dense("fc" + i, sizes[i - 1], sizes[i], Initializer.he(), rng), bugs));
            if (i < sizes.length - 1) {
                layers.add(new Activation("relu" + i, new ReLU()));
            }
        }
        Sequential model = Sequential.of(sizes[0], new SigmoidBinaryCrossEntropy(), layers);
        for (String name : bugs.keySet()) {
            model.parameter(name); // names the parameters there are if this one is not
        }
        return model;
    }

    private static Layer withBug(Dense d, Map<String, String> bugs) {
        Layer result = d;
        for (Map.Entry<String, String> e : bugs.entrySet()) {
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            if (dot > 0 && name.substring(0, dot).equals(d.name())) {
                String spec = e.getValue();
                String[] kf = spec.split("=", 2);
                PlantedBug.Kind kind = PlantedBug.Kind.parse(kf[0]);
                double factor = 2;
                if (kf.length == 2) {
                    if (kind != PlantedBug.Kind.SCALE) {
                        throw new IllegalArgumentException("bug '" + spec + "': only a scale bug takes a factor");
                    }
                    try {
                        factor = Double.parseDouble(kf[1]);
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("bug '" + spec + "': '" + kf[1]
                                + "' is not a number; write for example scale=4", ex);
                    }
                }
                if (result != d) {
                    throw new IllegalArgumentException("layer '" + d.name()
                            + "' has two planted bugs; plant at most one per layer");
                }
                result = new PlantedBugLayer(d, name.substring(dot + 1), kind, factor);
            }
        }
        return result;
    }
}
