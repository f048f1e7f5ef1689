package org.autodifflite.bench;

import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Conv2d;
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
 * {@link Conv2d} forward + backward on a 32×3×32×32 batch with 16 filters of 3×3, padding 1
 * (float64), with one and two matmul threads — {@code bench/compare} times PyTorch's
 * {@code conv2d} in float64 on the CPU at the same sizes ({@code torch_peer.py conv}).
 * {@code fwdBwd*} computes every gradient (a hidden layer's step), {@code fwdBwdFirstLayer*}
 * skips {@code ∂L/∂X} as the engine does for a first layer whose input is data (PyTorch: an
 * input without {@code requires_grad}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {

    private static final boolean[] ALL = {true, true, true};
    private static final boolean[] NO_DX = {false, true, true};

    private final Conv2d conv = new Conv2d(1, 1);
    private Tensor[] in;
    private Tensor g;

    /** Seeded batch, weights, bias and upstream gradient. */
    @Setup
    public void setUp() {
        in = new Tensor[] {Tensor.randn(new int[] {32, 3, 32, 32}, 1L), Tensor.randn(new int[] {16, 3, 3, 3}, 2L),
            Tensor.randn(new int[] {16}, 3L)};
        g = Tensor.randn(new int[] {32, 16, 32, 32}, 4L);
    }

    private Tensor[] step(boolean[] needs) {
        Tensor y = conv.forward(in);
        return conv.backward(in, y, g, needs);
    }

    /** @return the gradients of X, W and b, matmul threads: all available processors (2 here) */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor[] fwdBwd2Threads() {
        return step(ALL);
    }

    /** @return the gradients of X, W and b, one thread */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
    public Tensor[] fwdBwd1Thread() {
        return step(ALL);
    }

    /** @return the gradients of W and b (X is data), two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor[] fwdBwdFirstLayer2Threads() {
        return step(NO_DX);
    }

    /** @return the gradients of W and b (X is data), one thread */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
    public Tensor[] fwdBwdFirstLayer1Thread() {
        return step(NO_DX);
    }

    /** @return the forward alone, two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor forward2Threads() {
        return conv.forward(in);
    }
}
