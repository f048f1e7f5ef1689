package org.autodifflite.layers.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: seeded shuffling into mini-batches, forward, backward, optimizer step,
 * progress through SLF4J and a {@link TrainingListener}.
 *
 * <pre>{@code
 * List<Double> losses = Trainer.of(model, new Adam(0.01))
 *         .epochs(50).batchSize(32).seed(7)
 *         .listener(progress)           // optional, a TrainingListener
 *         .fit(x, y);
 * }</pre>
 *
 * <p>Options are immutable: each setter returns a new trainer. A trainer uses its optimizer's
 * state, so two fits with the same trainer continue the same optimization.
 *
 * <p><b>Refused steps.</b> Before each step the batch's data is checked for NaN and infinities,
 * and the loss and every gradient are checked after backward. Anything non-finite stops training
 * with an {@link IllegalArgumentException} naming the epoch, the batch and the offending sample
 * columns (their indices in the full data set), before the optimizer changes anything: the
 * parameters stay as they were after the last good step.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Sequential model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final TrainingListener listener;

    private Trainer(Sequential model, Optimizer optimizer, int epochs, int batchSize, long seed,
            TrainingListener listener) {
        this.model = model;
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.seed = seed;
        this.listener = listener;
    }

    /**
     * A trainer with 10 epochs, batches of 32 and shuffle seed 0.
     *
     * @param model the model to train
     * @param optimizer the optimizer that updates its parameters
     * @return the trainer
     */
    public static Trainer of(Sequential model, Optimizer optimizer) {
        return new Trainer(Objects.requireNonNull(model, "model"), Objects.requireNonNull(optimizer, "optimizer"),
                10, 32, 0L, new TrainingListener() { });
    }

    /**
     * @param n the number of passes over the data, ≥ 1
     * @return a trainer with that many epochs
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Trainer epochs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Trainer: epochs must be ≥ 1, got " + n);
        }
        return new Trainer(model, optimizer, n, batchSize, seed, listener);
    }

    /**
     * @param n the number of samples per batch, ≥ 1 (the last batch of an epoch may be smaller)
     * @return a trainer with that batch size
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Trainer batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Trainer: batch size must be ≥ 1, got " + n);
        }
        return new Trainer(model, optimizer, epochs, n, seed, listener);
    }

    /**
     * @param s the seed of the shuffling generator: the same seed gives the same batches
     * @return a trainer with that seed
     */
    public Trainer seed(long s) {
        return new Trainer(model, optimizer, epochs, batchSize, s, listener);
    }

    /**
     * @param l receives every step and epoch
     * @return a trainer reporting to {@code l}
     */
    public Trainer listener(TrainingListener l) {
        return new Trainer(model, optimizer, epochs, batchSize, seed, Objects.requireNonNull(l, "listener"));
    }

    /**
     * Trains the model on a data set.
     *
     * @param x the inputs, {@code inputWidth × n} (one sample per column)
     * @param y the labels, {@code outputWidth × n}
     * @return the mean loss of each epoch, in order
     * @throws IllegalArgumentException if the shapes do not fit the model, or a batch holds
     *     non-finite data or yields a non-finite loss or gradient (the message names epoch, batch
     *     and sample columns; the parameters keep their values from before that step)
     */
    public List<Double> fit(Tensor x, Tensor y) {
        if (x.rows() != model.inputWidth() || y.rows() != model.outputWidth() || x.cols() != y.cols()
                || x.cols() == 0) {
            throw new IllegalArgumentException("Trainer: X is " + x.shape() + " and Y is " + y.shape()
                    + " but the model needs X of " + model.inputWidth() + " × n and Y of " + model.outputWidth()
                    + " × n with the same n ≥ 1 (one sample per column)");
        }
        RandomGenerator rng = new Well19937c(seed);
        List<Double> history = new ArrayList<>();
        long step = 0;
        LOG.info("training {} parameters on {} samples: {} epochs, batches of {}, {}",
                model.parameterCount(), x.cols(), epochs, batchSize, optimizer.name());
        for (int epoch = 1; epoch <= epochs; epoch++) {
            List<int[]> batches = MiniBatches.shuffled(x.cols(), batchSize, rng);
            double weighted = 0;
            for (int b = 0; b < batches.size(); b++) {
                int[] cols = batches.get(b);
                Tensor xb = x.selectColumns(cols);
                Tensor yb = y.selectColumns(cols);
                requireFinite("X", xb, cols, epoch, b);
                requireFinite("Y", yb, cols, epoch, b);
                ModelGraph mg;
                try {
                    mg = model.graph(xb, yb, true);
                } catch (IllegalArgumentException e) {
                    // An op refused the batch (a label outside [0, 1]): its indices are within the
                    // batch, so name the batch and its samples' columns in the full data set.
                    throw new IllegalArgumentException(where(epoch, b, cols) + ", sample columns "
                            + java.util.Arrays.toString(cols) + " of the full data set: " + e.getMessage()
                            + "; step refused, no parameter was changed", e);
                }
                double loss = mg.lossValue();
                if (!Double.isFinite(loss)) {
                    throw refused(epoch, b, cols, "the loss is " + loss);
                }
                mg.graph().zeroGrad();
                mg.backward();
                try {
                    optimizer.step(model.parameters());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where(epoch, b, cols) + ": " + e.getMessage(), e);
                }
                step++;
                weighted += loss * cols.length;
                listener.onStep(new TrainingListener.StepEvent(epoch, b, step, loss, mg));
            }
            double mean = weighted / x.cols();
            history.add(mean);
            LOG.info("epoch {}/{}: loss {}", epoch, epochs, mean);
            listener.onEpoch(new TrainingListener.EpochEvent(epoch, epochs, mean, batches.size()));
        }
        return history;
    }

    private static void requireFinite(String what, Tensor batch, int[] cols, int epoch, int b) {
        if (batch.isFinite()) {
            return;
        }
        List<Integer> bad = new ArrayList<>();
        for (int k = 0; k < batch.cols(); k++) {
            for (int i = 0; i < batch.rows(); i++) {
                if (!Double.isFinite(batch.get(i, k))) {
                    bad.add(cols[k]);
                    break;
                }
            }
        }
        throw new IllegalArgumentException(where(epoch, b, cols) + ": " + what
                + " has NaN or infinite values in sample columns " + bad
                + " (column indices of the full data set); step refused, no parameter was changed."
                + " Remove or impute those samples");
    }

    private static IllegalArgumentException refused(int epoch, int b, int[] cols, String why) {
        return new IllegalArgumentException(where(epoch, b, cols) + ": " + why
                + "; step refused, no parameter was changed (lower the learning rate or check the data)");
    }

    private static String where(int epoch, int b, int[] cols) {
        return "Trainer: epoch " + epoch + ", batch " + b + " (" + cols.length + " samples)";
    }
}
