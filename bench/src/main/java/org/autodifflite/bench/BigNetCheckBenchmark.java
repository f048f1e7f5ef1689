package org.autodifflite.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
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
 * Gradient checks of a 784-128-64-1 net (108,801 parameters) at batch 32, with the seed's two
 * bugs planted ({@code db1·4} in fc1, {@code dW2·2} in fc2) unless the method says otherwise;
 * default thread counts (all available processors). The exhaustive seed-mode check takes tens
 * of seconds and is a separate single-shot benchmark, {@link BigNetExhaustiveBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BigNetCheckBenchmark {

    private Nets.Net buggy;
    private Nets.Net correct;
    private GradientChecker fast;
    private GradientChecker subset;

    /** The nets and checkers. */
    @Setup
    public void setUp() {
        buggy = Nets.randomNet("784-128-64-1", 32, 11L, true);
        correct = Nets.randomNet("784-128-64-1", 32, 11L, false);
        fast = GradientChecker.defaults().fast(2);
        subset = GradientChecker.defaults().subset(16);
    }

    /**
     * @return fast mode over every node, then end to end: names the two planted (node, input)
     *     pairs with their diagnosis and worst entries
     */
    @Benchmark
    public CheckReport fastGraphBuggy() {
        return fast.checkGraph(buggy.graph, buggy.loss);
    }

    /**
     * @return the per-node half of {@link #fastGraphBuggy()}: every op node alone, fast mode
     *     ({@code checkOp} on each node's current inputs), which is what names the two planted
     *     (node, input) pairs; their diagnosis included, no end-to-end pass
     */
    @Benchmark
    public List<InputResult> fastNodesOnlyBuggy() {
        List<InputResult> failures = new ArrayList<>();
        for (Node n : buggy.graph.nodes()) {
            if (n.op() != null) {
                failures.addAll(fast.checkOp(n.op(), Graph.inputValues(n)).failures());
            }
        }
        return failures;
    }

    /** @return fast mode over every node and end to end on the correct net (everything passes) */
    @Benchmark
    public CheckReport fastGraphCorrect() {
        return fast.checkGraph(correct.graph, correct.loss);
    }

    /** @return fast mode end to end only (the whole-network verdict per parameter), buggy net */
    @Benchmark
    public CheckReport fastEndToEndBuggy() {
        return fast.checkEndToEnd(buggy.graph, buggy.loss);
    }

    /** @return at most 16 entries per input of every node, then end to end, buggy net */
    @Benchmark
    public CheckReport subsetGraphBuggy() {
        return subset.checkGraph(buggy.graph, buggy.loss);
    }
}
