package org.autodifflite.bench;

import java.util.concurrent.TimeUnit;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
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
 * The notebook's {@code gradient_check_n} on a 784-128-64-1 net at batch 32: all 108,801
 * parameters, each perturbed by ±1e-7 and the net replayed from that parameter down (seed
 * mode, planted bugs), on all available processors. Long, so measured once (single shot, no
 * warm-up iteration: the JIT warms up within the first second of a run of many seconds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BigNetExhaustiveBenchmark {

    private Nets.Net buggy;
    private GradientChecker seedMode;

    /** The net and checker. */
    @Setup
    public void setUp() {
        buggy = Nets.randomNet("784-128-64-1", 32, 11L, true);
        seedMode = GradientChecker.defaults().seedMode().exhaustive();
    }

    /** @return the exhaustive seed-mode end-to-end report */
    @Benchmark
    public CheckReport endToEndSeedMode() {
        return seedMode.checkEndToEnd(buggy.graph, buggy.loss);
    }
}
