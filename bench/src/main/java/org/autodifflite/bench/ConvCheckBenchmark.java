package org.autodifflite.bench;

import java.util.concurrent.TimeUnit;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
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
 * The exhaustive per-node check of a convolution layer out of the box: {@code
 * GradientChecker.defaults().checkOp(conv, x, w, b)} on 3 channels of 16×16, 8 filters of
 * 3×3, batch 2, padding 1 — 1,760 entries, four forward evaluations each in the default mode.
 * The shipped {@link Conv2d} is evaluated incrementally by the checker (its
 * {@code FastForward}); {@link #naiveUserConv} checks the same function written as a user would
 * write it first, nested loops and no fast path, for comparison. Target: the shipped op at most
 * 0.5 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvCheckBenchmark {

    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Conv2d conv;
    private NaiveConv2d naive;
    private GradientChecker checker;

    /** Seeded inputs, the op and the default checker. */
    @Setup
    public void setUp() {
        x = Tensor.randn(new int[] {2, 3, 16, 16}, 1L);
        w = Tensor.randn(new int[] {8, 3, 3, 3}, 2L);
        b = Tensor.randn(new int[] {8}, 3L);
        conv = new Conv2d(1, 1);
        naive = new NaiveConv2d(1);
        checker = GradientChecker.defaults();
        CheckReport r = checker.checkOp(conv, x, w, b);
        if (!r.passed() || !checker.checkOp(naive, x, w, b).passed()) {
            throw new IllegalStateException("the benchmark's convolution does not pass:\n" + r.render());
        }
    }

    /** @return the report of the shipped {@link Conv2d}'s exhaustive default-mode check */
    @Benchmark
    public CheckReport shippedConv() {
        return checker.checkOp(conv, x, w, b);
    }

    /** @return the same check of a nested-loop convolution without a fast path */
    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public CheckReport naiveUserConv() {
        return checker.checkOp(naive, x, w, b);
    }
}
