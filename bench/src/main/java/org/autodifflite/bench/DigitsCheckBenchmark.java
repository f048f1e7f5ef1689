package org.autodifflite.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.demo.DigitsCnn;
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
 * The gradient checker's fast mode ({@code GradientChecker.defaults().fast(2)}, default threads)
 * on the digits CNN at batch 4 with two bugs planted ({@link DigitsCnn#withPlantedBugs}: conv1's
 * weight gradient with the kernel flipped, the dense layer's bias gradient ×4). The target: name
 * both (node, input) pairs with a diagnosis within 50 ms.
 *
 * <ul>
 *   <li>{@link #fastNodesBuggy()} — what names the pairs: every op node checked alone
 *       ({@code checkOp} on the node's current inputs, fast mode), collecting the failing inputs
 *       with their verdict, diagnosis and worst entries; no end-to-end pass. This is the figure
 *       held against the target.</li>
 *   <li>{@link #fastGraphBuggy()} — {@code checkGraph}: the same per-node checks, then the
 *       end-to-end check of every parameter (which says which parameters' total gradients are
 *       wrong, not which node made them so).</li>
 * </ul>
 * The setup runs both once and fails unless the failures are exactly the two planted pairs, each
 * with a diagnosis.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DigitsCheckBenchmark {

    /** Samples in the checked batch. */
    public static final int BATCH = 4;

    private GradientChecker fast;
    private DigitsCnn.Planted planted;

    /** The buggy graph and the checker; verifies that the check finds exactly the two bugs. */
    @Setup
    public void setUp() {
        fast = GradientChecker.defaults().fast(2);
        planted = DigitsCnn.withPlantedBugs(DigitsCnn.model(7L), DigitsCnn.data(DigitsCnnBenchmark.firstDigits(BATCH)));
        List<String> named = named(fastNodesBuggy());
        if (!named.equals(List.of("conv1.W", "fc.b"))) {
            throw new IllegalStateException("the per-node fast check should name conv1.W and fc.b, named " + named);
        }
        CheckReport r = fastGraphBuggy();
        List<String> graphNamed = new ArrayList<>();
        for (InputResult f : r.failures()) {
            if (!f.endToEnd()) {
                graphNamed.add(f.node() + "." + f.inputName());
            }
        }
        if (!graphNamed.equals(List.of("conv1.W", "fc.b"))) {
            throw new IllegalStateException("checkGraph should name conv1.W and fc.b node by node, named " + graphNamed
                    + System.lineSeparator() + r.render());
        }
    }

    /** One failing input of one node: where, what verdict, what diagnosis. */
    public record Failure(String node, InputResult result) {
    }

    /**
     * @return every failing (node, input) pair, with its verdict, diagnosis and worst entries:
     *     each op node checked alone in fast mode, no end-to-end pass
     */
    @Benchmark
    public List<Failure> fastNodesBuggy() {
        List<Failure> failures = new ArrayList<>();
        for (Node n : planted.graph().nodes()) {
            if (n.op() != null) {
                for (InputResult f : fast.checkOp(n.op(), Graph.inputValues(n)).failures()) {
                    failures.add(new Failure(n.label(), f));
                }
            }
        }
        return failures;
    }

    /** @return fast mode over every node, then end to end over every parameter */
    @Benchmark
    public CheckReport fastGraphBuggy() {
        return fast.checkGraph(planted.graph(), planted.loss());
    }

    /** The pairs as {@code node.input}, each checked to carry a diagnosis. */
    private static List<String> named(List<Failure> failures) {
        List<String> out = new ArrayList<>();
        for (Failure f : failures) {
            if (f.result().diagnosis() == null || f.result().diagnosis().isBlank()) {
                throw new IllegalStateException(f.node() + "." + f.result().inputName() + " failed without a diagnosis");
            }
            out.add(f.node() + "." + f.result().inputName());
        }
        return out;
    }
}
