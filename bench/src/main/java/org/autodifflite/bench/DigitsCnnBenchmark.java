package org.autodifflite.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Tensor;
import org.autodifflite.demo.DigitsCnn;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.train.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the digits CNN ({@link DigitsCnn}: conv 1→8 3×3 → ReLU → max-pool 2 →
 * conv 8→16 3×3 → ReLU → flatten → dense 10 → softmax cross-entropy) at batch 64 on real digits:
 * the batch's graph, forward, backward and Adam's update — the step {@code Trainer} takes, without
 * its data-validation scans. {@code bench/compare} times the same step in PyTorch (float64, CPU,
 * {@code torch_peer.py cnn}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DigitsCnnBenchmark {

    /** Samples per step, as the PyTorch peer. */
    public static final int BATCH = 64;

    private GraphModel model;
    private Adam adam;
    private Map<String, Tensor> batch;

    /** The seeded model, the first 64 digits and the optimizer. */
    @Setup
    public void setUp() {
        model = DigitsCnn.model(7L);
        batch = DigitsCnn.data(firstDigits(BATCH));
        adam = new Adam(1e-3);
    }

    /**
     * @param n how many
     * @return the first {@code n} bundled digits
     */
    static Digits firstDigits(int n) {
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = i;
        }
        return Digits.load().select(first, "the first " + n + " digits");
    }

    /** @return the loss before the step (matmul threads: all available processors, 2 here) */
    @Benchmark
    public double step() {
        return trainStep();
    }

    /** @return the loss before the step, matmul on one thread */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
    public double step1Thread() {
        return trainStep();
    }

    private double trainStep() {
        ModelGraph mg = model.graph(batch, true);
        mg.graph().zeroGrad();
        mg.backward();
        adam.step(model.parameters());
        return mg.lossValue();
    }
}
