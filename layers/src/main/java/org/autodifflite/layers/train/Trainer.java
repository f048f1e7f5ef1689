package org.autodifflite.layers.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;
import org.autodifflite.layers.model.Model;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop, for any {@link Model}: seeded shuffling into mini-batches, forward,
 * backward, optimizer step, progress through SLF4J and a {@link TrainingListener}.
 *
 * <pre>{@code
 * List<Double> losses = Trainer.of(model, new Adam(0.01))
 *         .epochs(50).batchSize(32).seed(7)
 *         .listener(progress)           // optional, a TrainingListener
 *         .fit(x, y);                   // or fit(Map.of("a", a, "b", b, "y", y)) for several inputs
 * }</pre>
 *
 * <p>Each step is, in this order: the batch's graph ({@link Model#graph}), zero the parameters'
 * gradients, backward from the loss, the optimizer's step, then the state updates the graph
 * computed ({@link ModelGraph#commitUpdates()}: running statistics). A hand-written loop does
 * the same.
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

    private final Model model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final TrainingListener listener;

    private Trainer(Model model, Optimizer optimizer, int epochs, int batchSize, long seed,
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
     * @param model the model to train: a {@link Sequential}, a
     *     {@link org.autodifflite.layers.model.GraphModel} or your own {@link Model}
     * @param optimizer the optimizer that updates its parameters
     * @return the trainer
     */
    public static Trainer of(Model model, Optimizer optimizer) {
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
     * Trains a model of one input and labels (a {@link Sequential}: {@code X} and {@code Y}).
     *
     * @param x the inputs (for a {@code Sequential}, {@code inputWidth × n}: one sample per column)
     * @param y the labels, with the same number of samples
     * @return the mean loss of each epoch, in order
     * @throws IllegalArgumentException if the model takes several inputs, the shapes do not fit
     *     the model, or a batch holds non-finite data or yields a non-finite loss or gradient (the
     *     message names epoch, batch and samples; the parameters keep their values from before
     *     that step)
     */
    public List<Double> fit(Tensor x, Tensor y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (model instanceof Sequential) {
            Sequential seq = (Sequential) model;
            if (x.rank() != 2 || y.rank() != 2 || x.rows() != seq.inputWidth() || y.rows() != seq.outputWidth()
                    || x.cols() != y.cols() || x.cols() == 0) {
                throw new IllegalArgumentException("Trainer: X is " + x.shape() + " and Y is " + y.shape()
                        + " but the model needs X of " + seq.inputWidth() + " × n and Y of " + seq.outputWidth()
                        + " × n with the same n ≥ 1 (one sample per column)");
            }
        }
        List<String> names = model.dataNames();
        if (names.size() != 2) {
            throw new IllegalArgumentException("Trainer: the model takes " + names
                    + "; fit(x, y) is for a model of one input and labels: call fit(Map.of(name, tensor, …))");
        }
        Map<String, Tensor> data = new LinkedHashMap<>();
        data.put(names.get(0), x);
        data.put(names.get(1), y);
        return fit(data);
    }

    /**
     * Trains the model on named data: one tensor per name of {@link Model#dataNames()} (inputs
     * and labels), each holding the same number of samples along its
     * {@linkplain Model#sampleAxis sample axis}.
     *
     * @param data the data set by name
     * @return the mean loss of each epoch, in order
     * @throws IllegalArgumentException if a name is missing or unknown, the numbers of samples
     *     differ, the shapes do not fit the model, or a batch holds non-finite data or yields a
     *     non-finite loss or gradient (the message names epoch, batch and samples; the parameters
     *     keep their values from before that step)
     */
    public List<Double> fit(Map<String, Tensor> data) {
        Objects.requireNonNull(data, "data");
        List<String> names = model.dataNames();
        int n = samples(names, data);
        RandomGenerator rng = new Well19937c(seed);
        List<Double> history = new ArrayList<>();
        long step = 0;
        LOG.info("training {} parameters on {} samples: {} epochs, batches of {}, {}",
                model.parameterCount(), n, epochs, batchSize, optimizer.name());
        for (int epoch = 1; epoch <= epochs; epoch++) {
            List<int[]> batches = MiniBatches.shuffled(n, batchSize, rng);
            double weighted = 0;
            for (int b = 0; b < batches.size(); b++) {
                int[] samples = batches.get(b);
                Map<String, Tensor> batch = new LinkedHashMap<>();
                for (String name : names) {
                    Tensor t = select(data.get(name), model.sampleAxis(name), samples);
                    requireFinite(name, t, model.sampleAxis(name), samples, epoch, b);
                    batch.put(name, t);
                }
                ModelGraph mg;
                try {
                    mg = model.graph(batch, true);
                } catch (IllegalArgumentException e) {
                    // An op refused the batch (a label outside [0, 1]): the op's indices are within
                    // the batch, so say how they map to the samples of the full data set.
                    throw new IllegalArgumentException(where(epoch, b, samples) + " holds samples "
                            + Arrays.toString(samples) + " of the full data set, in this order (the indices below"
                            + " count within the batch): " + e.getMessage() + "; step refused, no parameter was"
                            + " changed", e);
                }
                double loss = mg.lossValue();
                if (!Double.isFinite(loss)) {
                    throw refused(epoch, b, samples, "the loss is " + loss);
                }
                mg.graph().zeroGrad();
                mg.backward();
                try {
                    optimizer.step(model.parameters());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where(epoch, b, samples) + ": " + e.getMessage(), e);
                }
                mg.commitUpdates();
                step++;
                weighted += loss * samples.length;
                listener.onStep(new TrainingListener.StepEvent(epoch, b, step, loss, mg));
            }
            double mean = weighted / n;
            history.add(mean);
            LOG.info("epoch {}/{}: loss {}", epoch, epochs, mean);
            listener.onEpoch(new TrainingListener.EpochEvent(epoch, epochs, mean, batches.size()));
        }
        return history;
    }

    /** Checks the names and returns the common number of samples (≥ 1). */
    private int samples(List<String> names, Map<String, Tensor> data) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (data.get(name) == null) {
                missing.add(name);
            }
        }
        List<String> extra = new ArrayList<>(new TreeSet<>(data.keySet()));
        extra.removeAll(names);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("Trainer: the model takes " + names + " but got " + new TreeSet<>(data.keySet())
                    + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; unknown " + extra)
                    + ". Pass one tensor per name (no parameter was changed)");
        }
        int n = -1;
        String first = null;
        for (String name : names) {
            Tensor t = data.get(name);
            int axis = model.sampleAxis(name);
            if (t.rank() <= axis) {
                throw new IllegalArgumentException("Trainer: '" + name + "' is " + t.shape() + " but its samples lie"
                        + " along axis " + axis + "; see the model's data layout");
            }
            int m = t.dim(axis);
            if (n < 0) {
                n = m;
                first = name;
            } else if (m != n) {
                throw new IllegalArgumentException("Trainer: '" + name + "' holds " + m + " samples (axis " + axis
                        + " of " + t.shape() + ") but '" + first + "' holds " + n
                        + "; every input and the labels need the same number of samples");
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("Trainer: the data holds no samples; need at least one");
        }
        return n;
    }

    /** The given samples of a data tensor, along its sample axis. */
    private static Tensor select(Tensor t, int axis, int[] samples) {
        return t.rank() == 2 && axis == 1 ? t.selectColumns(samples) : t.indexSelect(axis, samples);
    }

    private static void requireFinite(String what, Tensor batch, int axis, int[] samples, int epoch, int b) {
        if (batch.isFinite()) {
            return;
        }
        TreeSet<Integer> bad = new TreeSet<>();
        double[] d = batch.data();
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                bad.add(samples[batch.unravel(k)[axis]]);
            }
        }
        throw new IllegalArgumentException(where(epoch, b, samples) + ": " + what
                + " has NaN or infinite values in samples " + bad
                + " (indices in the full data set); step refused, no parameter was changed."
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
