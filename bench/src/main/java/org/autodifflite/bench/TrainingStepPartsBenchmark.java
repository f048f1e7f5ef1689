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
 * Where {@link TrainingStepBenchmark}'s step spends its time, part by part, on one thread (the
 * parts add up to about one step): the forward pass (building the graph), the backward pass
 * (zeroing the gradients included), Adam's update, and the two products that dominate the
 * 784-128-64-1 net: the first layer's {@code W·X} and its weight gradient {@code G·Xᵀ}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
public class TrainingStepPartsBenchmark {

    /** Layer widths, input first. */
    @Param({"784-128-64-1"})
    public String net;

    /** Samples per step. */
    @Param({"64"})
    public int batch;

    private Sequential model;
    private Adam adam;
    private Tensor x;
    private Tensor y;
    private ModelGraph graph;
    private Tensor w1;
    private Tensor g1;

    /** A seeded model, batch, optimizer, and one graph whose gradients are computed. */
    @Setup
    public void setUp() {
        model = Nets.mlp(net, 7L);
        Tensor[] d = Nets.batch(model.inputWidth(), model.outputWidth(), batch, 8L);
        x = d[0];
        y = d[1];
        adam = new Adam(1e-3);
        graph = model.graph(x, y, true);
        graph.graph().zeroGrad();
        graph.backward();
        w1 = model.parameter("fc1.weight").value();
        g1 = graph.graph().node("fc1").grad();
    }

    /** @return the graph of one batch, its loss computed */
    @Benchmark
    public ModelGraph forward() {
        return model.graph(x, y, true);
    }

    /** @return the graph, its gradients computed afresh */
    @Benchmark
    public ModelGraph backward() {
        graph.graph().zeroGrad();
        graph.backward();
        return graph;
    }

    /** @return the optimizer, after one update of every parameter */
    @Benchmark
    public Adam adamStep() {
        adam.step(model.parameters());
        return adam;
    }

    /** @return {@code W₁·X}, the first layer's product */
    @Benchmark
    public Tensor firstLayerForward() {
        return w1.matmul(x);
    }

    /** @return {@code G₁·Xᵀ}, the first layer's weight gradient */
    @Benchmark
    public Tensor firstLayerWeightGradient() {
        return g1.matmulTransposeRight(x);
    }
}
