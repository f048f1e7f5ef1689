import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.autodifflite.bench.Nets;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.demo.DigitsCnn;
import org.autodifflite.layers.data.Digits;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.train.Adam;

/**
 * One piece of work bench/ab times, compiled against the newer benchmarks jar and loaded into
 * each jar's own class loader, so it runs the code of that jar. Uses only API that both sides
 * have (the benchmarks' Nets, the layers and the checker as of b91bd41; the checker's tasks
 * also run on the first release, 049321b).
 */
public final class Task implements IntToLongFunction {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final boolean WALL = Boolean.getBoolean("ab.wall");

    /** Keeps results alive so that no work is optimized away. */
    public static volatile Object sink;

    private final Runnable work;

    /**
     * @param what the task's name (see the switch)
     * @param net the training net's widths, for example 784-128-64-1
     */
    public Task(String what, String net) {
        work = switch (what) {
            case "step", "forward", "backward", "adam", "W1X", "G1Xt", "relu" -> training(what, net);
            case "cnnStep", "cnnForward", "cnnBackward", "convFwdBwd" -> spatial(what);
            case "matmul" -> matmul();
            default -> check(what);
        };
    }

    /**
     * MatMulBenchmark's product, 128×784 · 784×32, through {@code Tensor} alone (so it runs on
     * every jar) on whichever kernel the JVM was started with: {@code bench/ab --jvm
     * -Dautodifflite.matmul.vector=false matmul} times the scalar one.
     */
    private static Runnable matmul() {
        Tensor a = Tensor.randn(128, 784, 1L);
        Tensor b = Tensor.randn(784, 32, 2L);
        return () -> sink = a.matmul(b);
    }

    /**
     * The training net's tasks, built only when asked for: the first release (049321b) keeps
     * Sequential and ReLU in other packages, so naming them in the constructor would break the
     * checker's tasks on its jar.
     */
    private static Runnable training(String what, String net) {
        Sequential model = Nets.mlp(net, 7L);
        int[] w = Nets.sizes(net);
        Tensor[] d = Nets.batch(w[0], w[w.length - 1], 64, 8L);
        Tensor x = d[0];
        Tensor y = d[1];
        Adam adam = new Adam(1e-3);
        Tensor w1 = model.parameter("fc1.weight").value();
        switch (what) {
            case "step":
                return () -> {
                    ModelGraph mg = model.graph(x, y, true);
                    mg.graph().zeroGrad();
                    mg.backward();
                    adam.step(model.parameters());
                    sink = mg;
                };
            case "forward":
                return () -> sink = model.graph(x, y, true);
            case "backward": {
                ModelGraph mg = model.graph(x, y, true);
                return () -> {
                    mg.graph().zeroGrad();
                    mg.backward();
                    sink = mg;
                };
            }
            case "adam": {
                ModelGraph mg = model.graph(x, y, true);
                mg.backward();
                return () -> {
                    adam.step(model.parameters());
                    sink = adam;
                };
            }
            case "W1X":
                return () -> sink = w1.matmul(x);
            case "G1Xt": {
                Tensor g1 = Tensor.randn(w[1], 64, 3L);
                return () -> sink = g1.matmulTransposeRight(x);
            }
            default: {
                Tensor z = Tensor.randn(w[1], 64, 4L);
                Tensor g = Tensor.randn(w[1], 64, 5L);
                ReLU relu = new ReLU();
                return () -> sink = relu.backward(new Tensor[] {z}, relu.forward(z), g);
            }
        }
    }

    /**
     * The digits CNN's training step at batch 64 (DigitsCnnBenchmark), its graph (forward) and
     * backward apart, and Conv2d forward + backward with every gradient at ConvBenchmark's size
     * (32×3×32×32, 16 filters 3×3, padding 1): only jars from the digits CNN on have them.
     */
    private static Runnable spatial(String what) {
        switch (what) {
            case "cnnStep": {
                GraphModel cnn = DigitsCnn.model(7L);
                Map<String, Tensor> digits = firstDigits(64);
                Adam adam = new Adam(1e-3);
                return () -> {
                    ModelGraph mg = cnn.graph(digits, true);
                    mg.graph().zeroGrad();
                    mg.backward();
                    adam.step(cnn.parameters());
                    sink = mg;
                };
            }
            case "cnnForward": {
                GraphModel cnn = DigitsCnn.model(7L);
                Map<String, Tensor> digits = firstDigits(64);
                return () -> sink = cnn.graph(digits, true);
            }
            case "cnnBackward": {
                GraphModel cnn = DigitsCnn.model(7L);
                ModelGraph mg = cnn.graph(firstDigits(64), true);
                return () -> {
                    mg.graph().zeroGrad();
                    mg.backward();
                    sink = mg;
                };
            }
            default: {
                Conv2d conv = new Conv2d(1, 1);
                Tensor[] in = {Tensor.randn(new int[] {32, 3, 32, 32}, 1L), Tensor.randn(new int[] {16, 3, 3, 3}, 2L),
                    Tensor.randn(new int[] {16}, 3L)};
                Tensor g = Tensor.randn(new int[] {32, 16, 32, 32}, 4L);
                return () -> sink = conv.backward(in, conv.forward(in), g);
            }
        }
    }

    /**
     * The first {@code n} bundled digits as the CNN's input, DigitsCnnBenchmark's batch (its own
     * helper is package-private in the jars before this one).
     */
    private static Map<String, Tensor> firstDigits(int n) {
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = i;
        }
        return DigitsCnn.data(Digits.load().select(first, "the first " + n + " digits"));
    }

    /** The checker's tasks: the benchmarks' Nets and the checker's API, the same in every jar. */
    private static Runnable check(String what) {
        switch (what) {
            case "seedEndToEnd": {
                Nets.Net n = Nets.seedNet(true);
                GradientChecker c = GradientChecker.defaults().withThreads(1).seedMode().exhaustive();
                return () -> sink = c.checkEndToEnd(n.graph, n.loss);
            }
            case "seedDefault": {
                Nets.Net n = Nets.seedNet(false);
                GradientChecker c = GradientChecker.defaults().withThreads(1).exhaustive();
                return () -> sink = c.checkEndToEnd(n.graph, n.loss);
            }
            case "seedGraph": {
                Nets.Net n = Nets.seedNet(false);
                GradientChecker c = GradientChecker.defaults().withThreads(1).exhaustive();
                return () -> sink = c.checkGraph(n.graph, n.loss);
            }
            case "bigFast": {
                Nets.Net n = Nets.randomNet("784-128-64-1", 32, 11L, true);
                GradientChecker c = GradientChecker.defaults().withThreads(1).fast(2);
                return () -> sink = c.checkGraph(n.graph, n.loss);
            }
            case "bigExhaustiveSample": {
                Nets.Net n = Nets.randomNet("784-128-64-1", 32, 11L, true);
                GradientChecker c = GradientChecker.defaults().withThreads(1).seedMode().subset(200);
                return () -> sink = c.checkEndToEnd(n.graph, n.loss);
            }
            default:
                throw new IllegalArgumentException("unknown task " + what + "; see bench/ab-src/Task.java");
        }
    }

    /** @return the nanoseconds {@code reps} runs took: this thread's CPU time, or wall time with -Dab.wall=true */
    @Override
    public long applyAsLong(int reps) {
        long t0 = WALL ? System.nanoTime() : MX.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
            work.run();
        }
        return (WALL ? System.nanoTime() : MX.getCurrentThreadCpuTime()) - t0;
    }
}
