package org.autodifflite.bench;

import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Tensor;
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
 * {@code Tensor.matmul} at the 784-128-64-1 net's first layer (128×784·784×32) and the seed
 * 4-5-3-1 net's three layers (batch 3), with the vector or the scalar kernel and one or two
 * threads; each variant in its own JVM, since the kernel and thread count are chosen once per
 * JVM. GFLOP/s = 2·n·k·m / time ({@code bench/compare} prints it). The transposed products the
 * Linear backward uses are timed at the big net's shapes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatMulBenchmark {

    /** n×k×m: an n×k matrix times a k×m one. */
    @Param({"128x784x32", "5x4x3", "3x5x3", "1x3x3"})
    public String shape;

    private Tensor a;
    private Tensor b;
    private Tensor aT;
    private Tensor bT;

    /** Seeded random operands. */
    @Setup
    public void setUp() {
        String[] d = shape.split("x");
        int n = Integer.parseInt(d[0]);
        int k = Integer.parseInt(d[1]);
        int m = Integer.parseInt(d[2]);
        a = Tensor.randn(n, k, 1L);
        b = Tensor.randn(k, m, 2L);
        aT = a.transpose();
        bT = b.transpose();
    }

    /** @return a·b, vector kernel, one thread */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
    public Tensor vector1Thread() {
        return a.matmul(b);
    }

    /** @return a·b, vector kernel, two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor vector2Threads() {
        return a.matmul(b);
    }

    /** @return a·b, scalar kernel (what runs without the vector module), one thread */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dautodifflite.matmul.vector=false", "-Dautodifflite.matmul.threads=1"})
    public Tensor scalar1Thread() {
        return a.matmul(b);
    }

    /** @return a·b, scalar kernel, two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dautodifflite.matmul.vector=false", "-Dautodifflite.matmul.threads=2"})
    public Tensor scalar2Threads() {
        return a.matmul(b);
    }

    /** @return (aᵀ)ᵀ·b through matmulTransposeLeft, vector kernel, two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor transposeLeft2Threads() {
        return aT.matmulTransposeLeft(b);
    }

    /** @return a·(bᵀ)ᵀ through matmulTransposeRight, vector kernel, two threads */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=2"})
    public Tensor transposeRight2Threads() {
        return a.matmulTransposeRight(bT);
    }
}
