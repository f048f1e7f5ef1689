package org.autodifflite.bench;

import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.train.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step — forward, backward, Adam update — at batch 64 on a ReLU net with a sigmoid
 * output and binary cross-entropy, the step {@code Trainer} takes per mini-batch (without its
 * data-validation scans). {@code bench/compare} times the same step in PyTorch (float64, CPU).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingStepBenchmark {

    /** Layer widths, input first. */
    @Param({"64-32-16-1", "784-128-64-1"})
    public String net;

    /** Samples per step. */
    @Param({"64"})
    public int batch;

    private Sequential model;
    private Adam adam;
    private Tensor x;
    private Tensor y;

    /** A seeded model, batch and optimizer. */
    @Setup
    public void setUp() {
        model = Nets.mlp(net, 7L);
        Tensor[] d = Nets.batch(model.inputWidth(), model.outputWidth(), batch, 8L);
        x = d[0];
        y = d[1];
        adam = new Adam(1e-3);
    }

    /** @return the loss before the step (matmul threads: all available processors) */
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
        ModelGraph mg = model.graph(x, y, true);
        mg.graph().zeroGrad();
        mg.backward();
        adam.step(model.parameters());
        return mg.lossValue();
    }
}
