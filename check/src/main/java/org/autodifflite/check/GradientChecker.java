package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gradient checker, front door of {@code check}: proves hand-written backward passes right
 * against central differences and, when one is wrong, says which node, which input, which
 * entries and what kind of mistake.
 *
 * <pre>{@code
 * CheckReport report = GradientChecker.defaults().checkOp(myOp, x, w);
 * if (!report.passed()) System.out.println(report.render());
 *
 * CheckReport all = GradientChecker.defaults().checkGraph(graph, loss); // each node, then end to end
 * }</pre>
 *
 * <p><b>Per node.</b> For a node {@code y = f(x₁…xₖ)} a seeded random upstream gradient
 * {@code u} (never all ones) is drawn; the analytic side is {@code backward(x, y, u)}, the
 * numeric side for every entry of every differentiable input the central difference of
 * {@code ⟨u, f(…xᵢ ± h·eⱼ…)⟩}. Only that node's forward runs. The op contract is checked too:
 * backward linear in {@code u}, forward deterministic, inputs left alone
 * ({@link Verdict#CONTRACT}).
 *
 * <p><b>End to end.</b> All parameters and variables as one vector (graph order, each row-major), each
 * component perturbed and the graph replayed from that parameter down, against the gradients of
 * {@link Graph#backward(Node)}: catches engine mistakes no single node shows.
 *
 * <p><b>Default mode</b> makes no false alarm: per entry a step {@code h} (a power of two near
 * {@code ∛ε_machine·max(1,|x|)}), the central differences at {@code h} and {@code h/2} combined by
 * Richardson extrapolation, and an error estimate (truncation from the two steps plus a
 * roundoff bound). An entry is wrong only when analytic and numeric differ by more than ten
 * times that estimate plus {@code tolerance·max(|a|,|n|)} and a tiny floor. Kinks (one-sided
 * differences that disagree, e.g. a ReLU input within the step of 0) are
 * {@link Verdict#SKIPPED}; NaN or infinity is {@link Verdict#NON_FINITE}; both exactly zero
 * passes. <b>Seed mode</b> ({@link #seedMode()}) reproduces the notebook: ε = 1e-7, plain central
 * difference, {@code ‖a−n‖/(‖a‖+‖n‖)} against 1e-7 per input, no kink handling.
 *
 * <p><b>Any rank.</b> Inputs and outputs may have any number of axes. Entries are named by
 * their index tuples, outermost axis first ({@code (3, 2, 1, 1)} of a 4×3×3×3 convolution weight),
 * in the text, the JSON ({@link EntryResult#index()}) and the HTML reports; the diagnoses read the
 * whole tensor (a transpose is on the last two axes of each matrix of a batch; failing entries
 * that share an index of an axis are located there).
 *
 * <p><b>Coverage.</b> {@link #exhaustive()} (default) checks every entry; {@link #fast(int)} k
 * random directions per input (2k forward evaluations whatever the size), then a sample of
 * entries and a halving search when a direction fails; {@link #subset(int)} at most N seeded
 * random entries per input. Entries run on {@link #withThreads(int) several threads}, each with
 * its own copy of the inputs; the report does not depend on the number of threads.
 *
 * <p><b>Nothing is lost.</b> The checker perturbs private copies only: parameters, their
 * gradients, inputs and node values are left bit for bit as they were, also when an op throws
 * (the exception propagates). The end-to-end check takes its analytic gradients as values
 * ({@link Graph#gradients(Node, java.util.Collection)}), so it writes no gradient anywhere.
 *
 * <p><b>Threads.</b> Instances are immutable and thread-safe; each {@code with…} method returns
 * a new checker. Several checks may run at once, also on graphs that share {@code Parameter}
 * objects (two batches of one model): a check only reads parameter values. What is <em>not</em>
 * safe is anything else writing those values while a check runs — an optimizer step on another
 * thread: the check would read values that change under it. Check a model between training
 * steps (e.g. from a training listener), not beside them.
 */
public final class GradientChecker {

    private static final Logger LOG = LoggerFactory.getLogger(GradientChecker.class);

    private final Settings settings;

    private GradientChecker(Settings settings) {
        this.settings = settings;
    }

    /**
     * The default checker: default mode (Richardson with error estimates), exhaustive, tolerance
     * 1e-6, seed 42, as many threads as available processors.
     *
     * @return the default checker
     */
    public static GradientChecker defaults() {
        return new GradientChecker(Settings.defaults());
    }

    /**
     * The notebook's method: ε = 1e-7, plain central difference, its difference formula and
     * threshold 1e-7, no kink handling. It reproduces the notebook's figures, including its false
     * alarm on a correct network (1.19e-7 &gt; 1e-7); NaN is still {@link Verdict#NON_FINITE},
     * never a pass.
     *
     * @return a checker in seed mode, other options kept
     */
    public GradientChecker seedMode() {
        return with(true, Double.NaN, Settings.SEED_EPSILON, settings.seed(), settings.threads(),
                settings.coverage(), settings.directions(), settings.maxEntries());
    }

    /**
     * Uses a fixed step for every entry instead of the default per-entry step.
     *
     * @param step the step h (default mode: h and h/2 are used), positive and finite
     * @return a new checker
     * @throws IllegalArgumentException if the step is not positive and finite
     */
    public GradientChecker withStep(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("withStep: the step must be positive and finite, got " + step);
        }
        return with(settings.seedMode(), step, settings.tolerance(), settings.seed(), settings.threads(),
                settings.coverage(), settings.directions(), settings.maxEntries());
    }

    /**
     * Sets the relative tolerance (default mode, default 1e-6) or the threshold (seed mode,
     * default 1e-7).
     *
     * @param tolerance non-negative and finite
     * @return a new checker
     * @throws IllegalArgumentException if the tolerance is negative or not finite
     */
    public GradientChecker withTolerance(double tolerance) {
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("withTolerance: the tolerance must be ≥ 0 and finite, got " + tolerance);
        }
        return with(settings.seedMode(), settings.step(), tolerance, settings.seed(), settings.threads(),
                settings.coverage(), settings.directions(), settings.maxEntries());
    }

    /**
     * Sets the seed of every random choice (upstream gradients, samples, directions).
     *
     * @param seed any value
     * @return a new checker
     */
    public GradientChecker withSeed(long seed) {
        return with(settings.seedMode(), settings.step(), settings.tolerance(), seed, settings.threads(),
                settings.coverage(), settings.directions(), settings.maxEntries());
    }

    /**
     * Sets the number of threads that check entries; the report is the same for any number.
     *
     * @param threads at least 1
     * @return a new checker
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public GradientChecker withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("withThreads: need at least 1 thread, got " + threads);
        }
        return with(settings.seedMode(), settings.step(), settings.tolerance(), settings.seed(), threads,
                settings.coverage(), settings.directions(), settings.maxEntries());
    }

    /** @return a new checker that checks every entry of every input (the default) */
    public GradientChecker exhaustive() {
        return with(settings.seedMode(), settings.step(), settings.tolerance(), settings.seed(), settings.threads(),
                Settings.Coverage.EXHAUSTIVE, settings.directions(), settings.maxEntries());
    }

    /**
     * Fast mode with the default two random directions per input: see {@link #fast(int)}.
     *
     * @return a new checker
     */
    public GradientChecker fast() {
        return fast(2);
    }

    /**
     * Checks each input along {@code directions} random directions ({@code ⟨backward(u), v⟩}
     * against the central difference of {@code ⟨u, f(x ± h·v)⟩}) whatever the input's size: 2
     * forward evaluations per direction in seed mode, 4 in the default mode (x ± h and x ± h/2,
     * for Richardson extrapolation and the error estimate). When a direction fails, a seeded sample of entries
     * is checked, and a halving search narrows down a few wrong entries, so the report still
     * names entries.
     *
     * @param directions at least 1 (2 is a good default)
     * @return a new checker
     * @throws IllegalArgumentException if {@code directions < 1}
     */
    public GradientChecker fast(int directions) {
        if (directions < 1) {
            throw new IllegalArgumentException("fast: need at least 1 direction, got " + directions);
        }
        return with(settings.seedMode(), settings.step(), settings.tolerance(), settings.seed(), settings.threads(),
                Settings.Coverage.FAST, directions, settings.maxEntries());
    }

    /**
     * Checks at most {@code maxEntriesPerInput} seeded random entries of each input.
     *
     * @param maxEntriesPerInput at least 1
     * @return a new checker
     * @throws IllegalArgumentException if {@code maxEntriesPerInput < 1}
     */
    public GradientChecker subset(int maxEntriesPerInput) {
        if (maxEntriesPerInput < 1) {
            throw new IllegalArgumentException("subset: need at least 1 entry per input, got " + maxEntriesPerInput);
        }
        return with(settings.seedMode(), settings.step(), settings.tolerance(), settings.seed(), settings.threads(),
                Settings.Coverage.SUBSET, settings.directions(), maxEntriesPerInput);
    }

    /**
     * Makes a weak check fail: each input (and each parameter end to end) must have verified at
     * least this share of the entries it checked; entries skipped at kinks are not verified. A
     * ReLU network checked end to end on a large batch meets many kinks (each parameter moves every
     * sample's ReLU inputs), and a pass that rests on a fraction of the entries is then a failure
     * whose message says which input verified how much. Entries that subset or fast mode do not
     * visit are not counted against it: those are chosen, and the report states them.
     *
     * @param share the least verified share, in [0, 1]; 0 (the default) for none
     * @return a new checker
     * @throws IllegalArgumentException if the share is not within [0, 1]
     */
    public GradientChecker minimumCoverage(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("minimumCoverage: the share of checked entries that must be"
                    + " verified must be within [0, 1] (0.9 for 90 %), got " + share);
        }
        return new GradientChecker(new Settings(settings.seedMode(), settings.step(), settings.tolerance(),
                settings.seed(), settings.threads(), settings.coverage(), settings.directions(),
                settings.maxEntries(), share));
    }

    private GradientChecker with(boolean seedMode, double step, double tolerance, long seed, int threads,
            Settings.Coverage coverage, int directions, int maxEntries) {
        return new GradientChecker(new Settings(seedMode, step, tolerance, seed, threads, coverage, directions,
                maxEntries, settings.minimumCoverage()));
    }

    /**
     * Checks one op alone at the given inputs: the test every custom op should have.
     *
     * @param op the op
     * @param inputs its inputs; never modified
     * @return the report, one result per differentiable input
     * @throws IllegalArgumentException if the op or an input is null, or the number of inputs is
     *     not the op's arity
     */
    public CheckReport checkOp(Op op, Tensor... inputs) {
        Objects.requireNonNull(op, "op");
        if (inputs == null) {
            throw new IllegalArgumentException("checkOp " + op.name() + ": inputs are null");
        }
        if (op.arity() >= 0 || java.util.Arrays.asList(inputs).contains(null)) {
            Op.requireInputs(op, inputs);
        }
        try (Parallel parallel = new Parallel(settings.threads())) {
            long seed = InputChecker.mix(settings.seed(), 0, 0);
            Subject s = new OpSubject(op.name(), op, inputs, seed);
            return log(new CheckReport(settings, new InputChecker(s, settings, parallel, seed).run(),
                    CheckReport.Kind.OP, ReferenceCheck.opNodes(op, inputs, s.output)));
        }
    }

    /**
     * Checks a fused op against the composition of other ops it stands for, at one point and with
     * no step: the forward values, then the backward for a seeded random upstream gradient
     * {@code u} (the same for both) — the fused op's {@code backward(x, y, u)} against the
     * gradients the engine derives for the reference built on a private graph. Entries are
     * compared within a floating-point bound that accounts for the conditioning of the point:
     * {@code |f − r| ≤ 64·√m·ε·(|f| + |r| + s) + 8·range}, the first term the classic bound for
     * a well-conditioned sum of {@code m} terms ({@code s} the largest entry of that tensor on the
     * reference side), the second the rounding noise measured at this point: the range of
     * {@code fused − reference} over 6 points where the differentiable inputs and {@code u} are
     * nudged by a few ulps and each op of the reference commits a simulated rounding error. So a
     * result that is the small difference of large terms (batch or layer norm over two values, a
     * confident softmax cross-entropy) passes, while a difference of 1e-6 relative in a single
     * entry fails wherever both sides resolve that entry to better than 1e-8 (the derivation is
     * on {@code ReferenceCheck} and in {@code docs/checker.md}). A forward that differs is its
     * own verdict ({@link Verdict#FORWARD_DIFFERS}); a wrong gradient gets the same diagnoses as
     * {@link #checkOp} (ratio, sign flip, all zero, transposed, ignores the upstream gradient, the
     * worst entries), worded "fused" against "reference". Only the seed of this checker matters.
     * The fused op is evaluated, and the reference built, 7 times; the reference must be a pure
     * function of the nodes it is given.
     *
     * <pre>{@code
     * CheckReport r = GradientChecker.defaults().checkAgainst(new Linear(),
     *         (g, in) -> g.apply(add, g.apply(matmul, in[1], in[0]), in[2]), x, w, b);
     * }</pre>
     *
     * @param fused the op with a hand-written backward
     * @param reference builds the same function from other ops on the graph it is given
     * @param inputs the point; never modified (the reference gets copies)
     * @return the report: the forward, then one result per differentiable input
     * @throws IllegalArgumentException if an argument is null, the number of inputs is not the
     *     op's arity, or the reference returns a node of another graph
     */
    public CheckReport checkAgainst(Op fused, Composition reference, Tensor... inputs) {
        Objects.requireNonNull(fused, "fused op");
        Objects.requireNonNull(reference, "reference");
        if (inputs == null) {
            throw new IllegalArgumentException("checkAgainst " + fused.name() + ": inputs are null");
        }
        Op.requireInputs(fused, inputs);
        return log(ReferenceCheck.run(settings, fused, reference, inputs));
    }

    /**
     * Checks every op node of a graph alone (in graph order), then the whole graph end to end
     * over all parameters and {@link Graph#variable variables}.
     *
     * @param graph the graph, its values current (call {@link Graph#recompute()} after changing
     *     parameters)
     * @param loss a node of the graph holding one value
     * @return the report: each node's inputs, then each parameter and variable end to end
     * @throws IllegalArgumentException if the loss holds more than one value or is not of this graph
     */
    public CheckReport checkGraph(Graph graph, Node loss) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(loss, "loss");
        GraphSubject.requireLoss("checkGraph", graph, loss);
        List<InputResult> results = new ArrayList<>();
        try (Parallel parallel = new Parallel(settings.threads())) {
            for (Node n : graph.nodes()) {
                if (n.op() == null || n.index() > loss.index()) {
                    continue;
                }
                long seed = InputChecker.mix(settings.seed(), n.index(), 0);
                List<Node> ins = n.inputs();
                String[] sources = new String[ins.size()];
                String[] params = new String[ins.size()];
                for (int i = 0; i < sources.length; i++) {
                    sources[i] = ins.get(i).label();
                    params[i] = ins.get(i).parameter() != null ? ins.get(i).parameter().name() : null;
                }
                Subject s = new OpSubject(n.label(), n.op(), Graph.inputValues(n), seed, sources, params);
                results.addAll(new InputChecker(s, settings, parallel, seed).run());
            }
            results.addAll(endToEnd("checkGraph", graph, loss, null, parallel));
        }
        return log(new CheckReport(settings, results, CheckReport.Kind.GRAPH, nodes(graph, loss)));
    }

    /**
     * The graph's nodes up to the loss, for drawing, made when the report is first asked for
     * them. The nodes and their ops are fixed once added; their values may be replaced later,
     * so the shapes are taken now.
     */
    private static Supplier<List<ReportNode>> nodes(Graph graph, Node loss) {
        Node[] upTo = graph.nodes().subList(0, loss.index() + 1).toArray(new Node[0]);
        int[][] dims = new int[upTo.length][];
        for (int k = 0; k < upTo.length; k++) {
            dims[k] = upTo[k].value().dims();
        }
        return () -> {
            List<ReportNode> out = new ArrayList<>();
            for (int k = 0; k < upTo.length; k++) {
                Node n = upTo[k];
                List<Integer> ins = new ArrayList<>();
                for (Node in : n.inputs()) {
                    ins.add(in.index());
                }
                String kind = n.op() != null ? "op" : n.parameter() != null ? "parameter"
                        : n.kind() == Node.Kind.CONSTANT ? "constant" : "input";
                out.add(new ReportNode(n.index(), n.label(), kind, n.op() == null ? null : n.op().name(),
                        Tensor.shape(dims[k]), ins, n.parameter() == null ? null : n.parameter().name()));
            }
            return out;
        };
    }

    /**
     * The notebook's {@code gradient_check_n}: all parameters of the graph as one vector, each
     * component perturbed and the graph replayed, against the gradients of
     * {@link Graph#backward(Node)} (parameter gradients are restored afterwards).
     *
     * @param graph the graph, its values current
     * @param loss a node of the graph holding one value
     * @return the report, one result per parameter, and {@link CheckReport#endToEndDifference()}
     * @throws IllegalArgumentException if the loss holds more than one value or is not of this graph
     */
    public CheckReport checkEndToEnd(Graph graph, Node loss) {
        return checkEndToEnd(graph, loss, null);
    }

    /**
     * End to end against analytic gradients you computed yourself (for example by your own
     * backpropagation, as in the notebook), keyed by parameter name.
     *
     * @param graph the graph, its values current
     * @param loss a node of the graph holding one value
     * @param analytic the analytic gradient of the loss for each parameter of the graph, by
     *     name; or null to use {@link Graph#backward(Node)}
     * @return the report, one result per parameter
     * @throws IllegalArgumentException if the loss holds more than one value, a parameter has no gradient in
     *     the map, or a gradient's shape differs from its parameter's
     */
    public CheckReport checkEndToEnd(Graph graph, Node loss, Map<String, Tensor> analytic) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(loss, "loss");
        try (Parallel parallel = new Parallel(settings.threads())) {
            return log(new CheckReport(settings, endToEnd("checkEndToEnd", graph, loss, analytic, parallel),
                    CheckReport.Kind.END_TO_END, nodes(graph, loss)));
        }
    }

    private List<InputResult> endToEnd(String caller, Graph graph, Node loss, Map<String, Tensor> analytic,
            Parallel parallel) {
        long seed = InputChecker.mix(settings.seed(), -1, 0);
        GraphSubject s = new GraphSubject(caller, graph, loss, analytic);
        return new InputChecker(s, settings, parallel, seed).run();
    }

    /**
     * The notebook's one-dimensional check: {@code (J(θ+ε) − J(θ−ε))/(2ε)} against
     * {@code dJ(θ)}, with ε the configured step (1e-7 unless {@link #withStep} set one) and the
     * threshold 1e-7 (or {@link #withTolerance} in seed mode).
     *
     * @param j the function J
     * @param dj its claimed derivative
     * @param theta the point
     * @return the check, with the difference computed by the notebook's IEEE operations
     */
    public ScalarCheck checkScalar(DoubleUnaryOperator j, DoubleUnaryOperator dj, double theta) {
        Objects.requireNonNull(j, "j");
        Objects.requireNonNull(dj, "dj");
        double eps = Double.isNaN(settings.step()) ? Settings.SEED_EPSILON : settings.step();
        double threshold = settings.seedMode() ? settings.tolerance() : Settings.SEED_EPSILON;
        double thetaplus = theta + eps;
        double thetaminus = theta - eps;
        ScalarCheck c = new ScalarCheck(theta, eps, j.applyAsDouble(thetaplus), j.applyAsDouble(thetaminus),
                dj.applyAsDouble(theta), threshold);
        LOG.info("scalar gradient check: {}", c);
        return c;
    }

    private static CheckReport log(CheckReport report) {
        // The summary is formatted only if someone reads it: on a small net it costs as much as
        // checking several parameters.
        if (LOG.isInfoEnabled()) {
            LOG.info(report.summary());
        }
        if (LOG.isWarnEnabled()) {
            for (InputResult f : report.failures()) {
                LOG.warn("{}", f);
            }
        }
        return report;
    }

    @Override
    public String toString() {
        return "GradientChecker[mode " + settings.modeText() + ", " + settings.coverageText() + ", step "
                + settings.stepText() + ", tolerance " + settings.tolerance() + ", seed " + settings.seed()
                + ", threads " + settings.threads() + "]";
    }
}
