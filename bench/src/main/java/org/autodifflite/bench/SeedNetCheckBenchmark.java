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
 * Gradient checks of the seed notebook's 4-5-3-1 net at its test case (batch 3, 47 parameters),
 * on one thread (checker and matmul). Parameters checked per second = 47 / time;
 * {@code bench/compare} prints it next to the numpy port of the notebook and PyTorch's
 * gradcheck.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dautodifflite.matmul.threads=1"})
public class SeedNetCheckBenchmark {

    private Nets.Net buggy;
    private Nets.Net correct;
    private GradientChecker seedMode;
    private GradientChecker exhaustive;
    private GradientChecker fast;
    private GradientChecker subset;

    /** The nets and checkers. */
    @Setup
    public void setUp() {
        buggy = Nets.seedNet(true);
        correct = Nets.seedNet(false);
        GradientChecker one = GradientChecker.defaults().withThreads(1);
        seedMode = one.seedMode().exhaustive();
        exhaustive = one.exhaustive();
        fast = one.fast(2);
        subset = one.subset(4);
    }

    /** @return the notebook's gradient_check_n: every parameter, ε = 1e-7, buggy backward */
    @Benchmark
    public CheckReport endToEndSeedMode() {
        return seedMode.checkEndToEnd(buggy.graph, buggy.loss);
    }

    /** @return the same in the default mode (Richardson, error estimates, kinks) */
    @Benchmark
    public CheckReport endToEndDefaultMode() {
        return exhaustive.checkEndToEnd(correct.graph, correct.loss);
    }

    /** @return every node alone (every entry of every input), then end to end */
    @Benchmark
    public CheckReport graphExhaustive() {
        return exhaustive.checkGraph(correct.graph, correct.loss);
    }

    /** @return every node along two random directions per input, then end to end, buggy net */
    @Benchmark
    public CheckReport graphFastBuggy() {
        return fast.checkGraph(buggy.graph, buggy.loss);
    }

    /** @return every node on at most 4 entries per input, then end to end */
    @Benchmark
    public CheckReport graphSubset() {
        return subset.checkGraph(correct.graph, correct.loss);
    }
}
