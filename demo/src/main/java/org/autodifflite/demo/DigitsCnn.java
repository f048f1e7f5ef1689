package org.autodifflite.demo;

import java.util.Map;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;

/**
 * The small CNN that {@code train --data digits --arch cnn} trains on the bundled 8×8 digits
 * ({@link Digits}), also timed by the benchmarks and checked by the tests — one definition:
 *
 * <pre>
 * img N×1×8×8 → conv1 (8 filters 3×3, padding 1) → ReLU → max-pool 2×2   N×8×4×4
 *             → conv2 (16 filters 3×3, padding 1) → ReLU → flatten         256×N
 *             → fc (dense, 10 units) → softmax cross-entropy with the digit as a class index
 * </pre>
 *
 * 3,818 parameters at the default widths. The output is the 10 × N logits (classes × samples,
 * what {@code ClassMetrics} takes); the labels are the 1×N digits of {@link Digits#labels()}.
 */
public final class DigitsCnn {

    /** The name of the images input, N×1×8×8. */
    public static final String IMAGES = "img";

    /** The name of the labels, 1×N digits 0–9. */
    public static final String LABELS = "digit";

    /** The filters of the first convolution, unless given. */
    public static final int FILTERS1 = 8;

    /** The filters of the second convolution, unless given. */
    public static final int FILTERS2 = 16;

    private DigitsCnn() {
    }

    /**
     * The CNN at its default widths (8 and 16 filters).
     *
     * @param seed the seed of the initial weights
     * @return the model, untrained
     */
    public static GraphModel model(long seed) {
        return model(seed, FILTERS1, FILTERS2);
    }

    /**
     * The CNN with the given widths.
     *
     * @param seed the seed of the initial weights
     * @param filters1 the first convolution's filters, ≥ 1
     * @param filters2 the second convolution's filters, ≥ 1
     * @return the model, untrained; parameters {@code conv1.weight}, {@code conv1.bias},
     *     {@code conv2.weight}, {@code conv2.bias}, {@code fc.weight}, {@code fc.bias}
     * @throws IllegalArgumentException if a width is below 1
     */
    public static GraphModel model(long seed, int filters1, int filters2) {
        return GraphModel.builder().seed(seed)
                .input(IMAGES, 1, Digits.SIDE, Digits.SIDE).labels(LABELS, 1)
                .forward(m -> {
                    Node h = m.conv2d("conv1", m.input(IMAGES), filters1, 3, 1, 1).relu();   // N×8×8×8
                    h = m.maxPool(h, 2);                                                      // N×8×4×4
                    h = m.conv2d("conv2", h, filters2, 3, 1, 1).relu();                      // N×16×4×4
                    return m.dense("fc", m.flatten(h), Digits.CLASSES);                       // 10×N logits
                })
                .loss(new SparseSoftmaxCrossEntropy())
                .build();
    }

    /**
     * The named data of a set of digits, as the model and the trainer take them.
     *
     * @param digits images and labels
     * @return {@code {img: N×1×8×8, digit: 1×N}}
     */
    public static Map<String, Tensor> data(Digits digits) {
        return Map.of(IMAGES, digits.images(), LABELS, digits.labels());
    }

    /**
     * A graph of the CNN with two bugs planted in hand-written backward passes, as the checker's
     * benchmark and tests use it: the first convolution's weight gradient computed with the
     * kernel flipped (node {@code conv1}, input {@code W}), and the dense layer's bias gradient
     * ×4 (node {@code fc}, input {@code b}, the seed notebook's {@code 4./m}). The forward pass is
     * unchanged: the graph computes the same loss as the model's own.
     *
     * @param model the CNN of {@link #model}
     * @param batch one batch of {@link #data}
     * @return the training graph of that batch with the bugs planted, and its loss node
     */
    public static Planted withPlantedBugs(GraphModel model, Map<String, Tensor> batch) {
        ModelGraph mg = model.graph(batch, true);
        GraphReplay.Replayed r = GraphReplay.replay(mg.graph(), mg.loss(), Map.of(
                "conv1", op -> new FlippedKernelGradient(op, 1),
                "fc", op -> new PlantedBug(op, 2, PlantedBug.Kind.SCALE, 4)));
        return new Planted(r.graph(), r.node());
    }

    /**
     * A graph with planted bugs.
     *
     * @param graph the graph, evaluated
     * @param loss its loss node
     */
    public record Planted(Graph graph, Node loss) {
    }

    /** @return the layers in one line, for the demo's output */
    static String describe(int filters1, int filters2) {
        return "conv1 1→" + filters1 + " 3×3 pad 1 → ReLU → max-pool 2×2 → conv2 " + filters1 + "→" + filters2
                + " 3×3 pad 1 → ReLU → flatten " + filters2 * 16 + " → dense fc 10 → softmax cross-entropy";
    }
}
