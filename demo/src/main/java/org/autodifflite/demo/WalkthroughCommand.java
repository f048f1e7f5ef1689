package org.autodifflite.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleUnaryOperator;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.EntryResult;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.ScalarCheck;
import org.autodifflite.core.Node;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import picocli.CommandLine.Command;

/**
 * The seed notebook, step by step, run by the library: the one-dimensional check, the fraud
 * network with the notebook's two planted bugs, the per-node report that names them, the
 * notebook's false alarm on the fixed network, and a check with dropout. Every figure printed is
 * computed here.
 */
@Command(name = "walkthrough", mixinStandardHelpOptions = true,
        description = "The seed notebook on gradient checking, step by step (the default command).")
final class WalkthroughCommand implements Callable<Integer> {

    /** The notebook's threshold: a difference below it means "correct". */
    static final double NOTEBOOK_THRESHOLD = 1e-7;

    private final PrintStream out;

    WalkthroughCommand(PrintStream out) {
        this.out = out;
    }

    /** @return 0: finding the planted bugs is the point of the walkthrough, not a failure */
    @Override
    public Integer call() {
        out.println("autodiff-lite walkthrough — the seed notebook on gradient checking, run by this library");
        out.println();
        out.println("A hand-written backward pass can be wrong and still train, badly. Gradient checking"
                + " compares it with the central difference gradapprox = (J(θ+ε) − J(θ−ε)) / 2ε and reports");
        out.println("  difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂), \"correct\" below 1e-7.");
        out.println();
        oneDimension();
        SeedCase seed = SeedCase.load();
        buggyNetwork(seed);
        fixedNetwork(seed);
        withDropout(seed);
        return 0;
    }

    private void oneDimension() {
        double x = 2;
        double theta = 4;
        DoubleUnaryOperator j = t -> t * x;
        DoubleUnaryOperator dj = t -> x;
        ScalarCheck check = GradientChecker.defaults().seedMode().checkScalar(j, dj, theta);
        out.println("§2  One dimension: J(θ) = θ·x at x = " + Numbers.whole(x) + ", θ = " + Numbers.whole(theta)
                + ", step ε = " + Numbers.python(check.epsilon()));
        out.println("J = " + Numbers.whole(j.applyAsDouble(theta)));
        out.println("dtheta = " + Numbers.whole(dj.applyAsDouble(theta)));
        out.println(check.passed() ? "The gradient is correct!" : "The gradient is wrong!");
        out.println("difference = " + Numbers.python(check.difference()));
        out.println();
    }

    private void buggyNetwork(SeedCase seed) {
        out.println("§3  N dimensions: the fraud network LINEAR(4→5) → RELU → LINEAR(5→3) → RELU →"
                + " LINEAR(3→1) → SIGMOID, mean binary cross-entropy, on the notebook's test case ("
                + seed.x().cols() + " payments × " + seed.x().rows() + " features)");
        Sequential buggy = Networks.seed(seed, Networks.SEED_BUGS, 1, 0);
        ModelGraph mg = buggy.graph(seed.x(), seed.y(), true);
        out.println("cost = " + Numbers.python(mg.lossValue()));
        out.println();
        out.println("The notebook's backward pass has two bugs, planted here as they were: layer 2's"
                + " dW2 is doubled and layer 1's db1 uses 4/m for 1/m. Its check (seed mode: all "
                + buggy.parameterCount() + " parameters perturbed one by one, ε = 1e-7, threshold 1e-7):");
        CheckReport e2e = GradientChecker.defaults().seedMode().checkEndToEnd(mg.graph(), mg.loss());
        printNotebookVerdict(e2e.endToEndDifference());
        out.println();
        out.println("The notebook can only say that something, somewhere, is wrong. autodiff-lite checks"
                + " every node alone against its own central differences (default mode), then the whole"
                + " network end to end:");
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        out.println(report.render());
        out.println("The culprits, found node by node:");
        for (InputResult r : report.failures()) {
            if (!r.endToEnd()) {
                out.println("  - " + culprit(mg, r));
            }
        }
        out.println();
    }

    /** @return for example {@code fc2.weight (input W of node fc2): analytic = 2.00 × numeric} */
    private static String culprit(ModelGraph mg, InputResult r) {
        Node input = mg.graph().node(r.node()).inputs().get(r.inputIndex());
        String ratio = "";
        if (!r.worstEntries().isEmpty()) {
            EntryResult worst = r.worstEntries().get(0);
            ratio = String.format(Locale.ROOT, ": analytic = %.2f × numeric", worst.analytic() / worst.numeric());
        }
        return input.label() + " (input " + r.inputName() + " of node " + r.node() + ", op " + r.op() + ")" + ratio;
    }

    private void fixedNetwork(SeedCase seed) {
        out.println("§3, fixed: the same network with a correct backward pass (autodiff-lite's Linear)");
        Sequential fixed = Networks.seed(seed, Map.of(), 1, 0);
        ModelGraph mg = fixed.graph(seed.x(), seed.y(), true);
        CheckReport notebook = GradientChecker.defaults().seedMode().checkEndToEnd(mg.graph(), mg.loss());
        out.print("Seed mode (the notebook's check):  ");
        printNotebookVerdict(notebook.endToEndDifference());
        out.println("  ↑ a false alarm: every gradient is right. The same check at other steps shows why:");
        StringBuilder steps = new StringBuilder("    ");
        double best = Double.NaN;
        double bestDiff = Double.POSITIVE_INFINITY;
        for (double eps : new double[] {1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8}) {
            double d = GradientChecker.defaults().seedMode().withStep(eps)
                    .checkEndToEnd(mg.graph(), mg.loss()).endToEndDifference();
            steps.append("ε=").append(Numbers.python(eps)).append(": ").append(Numbers.sci(d)).append("   ");
            if (d < bestDiff) {
                bestDiff = d;
                best = eps;
            }
        }
        out.println(steps.toString().stripTrailing());
        out.println("  The difference is smallest at ε = " + Numbers.python(best) + " and grows about tenfold"
                + " for each tenfold smaller step: that is roundoff in J(θ ± ε), divided by 2ε, not a mistake"
                + " in the gradient. At the notebook's ε = 1e-7 it crosses the notebook's own threshold.");
        CheckReport sound = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        out.println("Default mode (error-aware: Richardson extrapolation and a roundoff bound):");
        out.println("  end-to-end difference = " + Numbers.python(sound.endToEndDifference())
                + (sound.passed() ? "  → PASS" : "  → FAIL"));
        out.println("  " + sound.summary());
        out.println();
    }

    private void withDropout(SeedCase seed) {
        double keep = 0.8;
        out.println("With dropout (keep " + keep + " after each ReLU). The notebook says gradient checking"
                + " \"does not work with dropout\"; here the mask is a leaf of the graph, drawn once, so"
                + " the checked function is deterministic:");
        Sequential dropout = Networks.seed(seed, Map.of(), keep, 7);
        ModelGraph mg = dropout.graph(seed.x(), seed.y(), true);
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        out.println("  end-to-end difference = " + Numbers.python(report.endToEndDifference())
                + (report.passed() ? "  → PASS" : "  → FAIL"));
        out.println("  " + report.summary());
    }

    private void printNotebookVerdict(double difference) {
        // The notebook's own test: NaN > 1e-7 is false, so it would print "fine" for NaN; not here.
        if (difference > NOTEBOOK_THRESHOLD || Double.isNaN(difference)) {
            out.println("There is a mistake in the backward propagation! difference = " + Numbers.python(difference));
        } else {
            out.println("Your backward propagation works perfectly fine! difference = " + Numbers.python(difference));
        }
    }
}
