package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.Composition;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.model.GraphModel;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.train.Sgd;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Batch norm in a model, with the stateful-layer pattern of the {@link BatchNorm} Javadoc: the
 * running statistics are the model's buffers, staged with {@code update} in training graphs and
 * applied by {@link ModelGraph#commitUpdates()}; evaluation graphs take them as inputs. Checking
 * a training or an evaluation graph leaves every parameter, every parameter's gradient and the
 * running statistics bit for bit as they were; a committed step applies exactly
 * {@link BatchNorm#runningUpdate}; prediction normalizes with the running statistics.
 */
class BatchNormModelTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /** The layer, as a user writes it in a forward function (the BatchNorm Javadoc's lines). */
    static Node batchNorm(GraphModel.Scope m, String name, Node h) {
        int[] p = BatchNorm.parameterDims(h.value().dims());
        Node gamma = m.parameter(name + ".gamma", (out, in, rng) -> Tensor.ones(out, in), p);
        Node beta = m.parameter(name + ".beta", Initializer.zeros(), p);
        Tensor mean = m.buffer(name + ".runningMean", Tensor.zeros(p));
        Tensor var = m.buffer(name + ".runningVar", Tensor.ones(p));
        Graph g = m.graph();
        if (m.training()) {
            BatchNorm.RunningStats s = BatchNorm.runningUpdate(h.value(), mean, var);
            m.update(name + ".runningMean", s.mean());
            m.update(name + ".runningVar", s.variance());
            return g.apply(name, BatchNorm.training(), h, gamma, beta);
        }
        return g.apply(name, BatchNorm.evaluation(), h, gamma, beta, g.input(name + ".runningMean", mean),
                g.input(name + ".runningVar", var));
    }

    /** 3 features → fc1 (4) → batch norm → ReLU → fc2 (1) → sigmoid, binary cross-entropy. */
    static GraphModel mlp() {
        return GraphModel.builder().seed(3)
                .input("x", 3).labels("y", 1)
                .forward(m -> {
                    Node h = batchNorm(m, "bn1", m.dense("fc1", m.input("x"), 4));
                    return m.dense("fc2", h.relu(), 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
    }

    /** Images N×2×3×3 → batch norm over channels → flattened to 18 features × batch → fc (1) → sigmoid. */
    static GraphModel images() {
        return GraphModel.builder().seed(4)
                .input("img", 2, 3, 3).labels("y", 1)
                .forward(m -> {
                    Node img = m.input("img");
                    int n = img.value().dim(0);
                    Node h = batchNorm(m, "bn", img).reshape(n, 18).t();
                    return m.dense("fc", h, 1).sigmoid();
                })
                .loss(new BinaryCrossEntropy())
                .build();
    }

    private static Tensor labels(int n, long seed) {
        Tensor u = Tensor.uniform(new int[] {1, n}, 0, 1, new Well19937c(seed));
        return u.map(v -> v < 0.5 ? 0.0 : 1.0);
    }

    private static List<long[]> state(GraphModel model) {
        List<Parameter> all = new ArrayList<>(model.parameters());
        all.addAll(model.buffers());
        return NothingLostTest.snapshot(all);
    }

    @Test
    void checkingTrainingAndEvaluationGraphsChangesNoStateAndACommitAppliesTheRunningUpdate() {
        for (GraphModel model : List.of(mlp(), images())) {
            String x = model.dataNames().get(0);
            Tensor data = x.equals("x") ? Tensor.randn(new int[] {3, 6}, 5L).scale(2).add(Tensor.scalar(1))
                    : Tensor.randn(new int[] {4, 2, 3, 3}, 5L).scale(2).add(Tensor.scalar(1));
            Map<String, Tensor> batch = Map.of(x, data, "y", labels(data.dim(x.equals("x") ? 1 : 0), 6L));
            assertThat(model.buffers()).extracting(Parameter::name).contains("bn" + (x.equals("x") ? "1" : "")
                    + ".runningMean");
            // One committed step, so that the running statistics and the gradients are not their initial values.
            Trainer.of(model, new Sgd(0.05)).epochs(1).batchSize(6).fit(batch);
            List<long[]> before = state(model);
            for (boolean training : new boolean[] {true, false}) {
                ModelGraph mg = model.graph(batch, training);
                CheckReport r = CHECKER.checkGraph(mg.graph(), mg.loss());
                assertThat(r.passed()).as("%s, training %s:%n%s", x, training, r.render()).isTrue();
                CheckReport fast = CHECKER.fast(2).checkGraph(mg.graph(), mg.loss());
                assertThat(fast.passed()).as("fast, %s, training %s:%n%s", x, training, fast.render()).isTrue();
                NothingLostTest.assertSame(before, state(model));
            }
            // A training graph stages exactly BatchNorm.runningUpdate of what the layer normalized.
            ModelGraph mg = model.graph(batch, true);
            String bn = x.equals("x") ? "bn1" : "bn";
            Tensor normalized = mg.graph().node(bn).inputs().get(0).value();
            Tensor mean = buffer(model, bn + ".runningMean");
            Tensor var = buffer(model, bn + ".runningVar");
            BatchNorm.RunningStats want = BatchNorm.runningUpdate(normalized, mean, var);
            NothingLostTest.assertSame(before, state(model));
            mg.commitUpdates();
            assertThat(buffer(model, bn + ".runningMean")).isEqualTo(want.mean());
            assertThat(buffer(model, bn + ".runningVar")).isEqualTo(want.variance());
        }
    }

    /**
     * Every way of checking batch norm, in training and in evaluation mode, on the model's own
     * tensors, leaves the parameters, their gradients, the running statistics and every node's
     * value bit for bit: {@code checkOp} of the node (its inputs are the model's tensors
     * themselves, not copies), {@code checkAgainst} its composition, {@code checkEndToEnd},
     * {@code checkGraph} in subset mode, a planted bug in the node's op checked alone and in the
     * graph, and every rendering of the failing reports (text, JSON, HTML with its heat maps).
     */
    @Test
    void everyCheckAndEveryReportLeavesTheStateBitForBit() {
        for (GraphModel model : List.of(mlp(), images())) {
            String x = model.dataNames().get(0);
            boolean flat = x.equals("x");
            Tensor data = flat ? Tensor.randn(new int[] {3, 6}, 15L).scale(2).add(Tensor.scalar(1))
                    : Tensor.randn(new int[] {4, 2, 3, 3}, 15L).scale(2).add(Tensor.scalar(1));
            Map<String, Tensor> batch = Map.of(x, data, "y", labels(data.dim(flat ? 1 : 0), 16L));
            Trainer.of(model, new Sgd(0.05)).epochs(1).batchSize(6).fit(batch);
            String bn = flat ? "bn1" : "bn";
            for (boolean training : new boolean[] {true, false}) {
                ModelGraph mg = model.graph(batch, training);
                Graph g = mg.graph();
                Node node = g.node(bn);
                List<Parameter> all = new ArrayList<>(model.parameters());
                all.addAll(model.buffers());
                List<long[]> before = NothingLostTest.snapshot(all, g);
                String mode = training ? "training" : "evaluation";
                Tensor[] in = Graph.inputValues(node);   // the model's tensors, not copies

                CheckReport alone = CHECKER.checkOp(node.op(), in);
                assertThat(alone.passed()).as("%s checkOp:%n%s", mode, alone.render()).isTrue();
                Composition reference = training ? ReferenceCompositionTest::batchNormTraining
                        : ReferenceCompositionTest::batchNormEvaluation;
                CheckReport against = CHECKER.checkAgainst(node.op(), reference, in);
                assertThat(against.passed()).as("%s checkAgainst:%n%s", mode, against.render()).isTrue();
                CheckReport e2e = CHECKER.checkEndToEnd(g, mg.loss());
                assertThat(e2e.passed()).as("%s checkEndToEnd:%n%s", mode, e2e.render()).isTrue();
                assertThat(CHECKER.subset(3).checkGraph(g, mg.loss()).passed()).isTrue();

                // A bug planted in the node's op: the reports of a failure render every part.
                Op doubled = new PlantedBug(node.op(), (xs, y, u) -> {
                    Tensor[] grads = node.op().backward(xs, y, u).clone();
                    grads[1] = grads[1].scale(2);
                    return grads;
                });
                CheckReport bug = CHECKER.checkOp(doubled, in);
                assertThat(bug.failures()).singleElement().satisfies(f -> assertThat(f.inputName()).isEqualTo("gamma"));
                CheckReport bugAgainst = CHECKER.checkAgainst(doubled, reference, in);
                assertThat(bugAgainst.failures()).singleElement().satisfies(f ->
                        assertThat(f.diagnosis()).contains("fused = 2.00 × reference"));
                Graph h = new Graph();
                Node[] copies = new Node[in.length];
                for (int i = 0; i < in.length; i++) {
                    Node src = node.inputs().get(i);
                    copies[i] = src.parameter() != null ? h.parameter(src.parameter()) : h.input(src.label(), in[i]);
                }
                Node out = h.apply("bn", doubled, copies);
                Node loss = out.mul(h.constant(Tensor.randn(out.value().dims(), 17L))).sum();
                CheckReport graphBug = CHECKER.checkGraph(h, loss);
                assertThat(graphBug.passed()).isFalse();
                for (CheckReport r : List.of(bug, bugAgainst, graphBug)) {
                    assertThat(r.render()).contains("gamma");
                    assertThat(r.toJson()).contains("\"worst\":[{\"index\":[");
                    assertThat(r.toHtml()).contains("<svg class=\"heatmap\"");
                    r.summary();
                }
                NothingLostTest.assertSame(before, NothingLostTest.snapshot(all, g));
            }
        }
    }

    /** Prediction is an evaluation graph: each sample is normalized with the running statistics. */
    @Test
    void predictionNormalizesWithTheRunningStatistics() {
        GraphModel model = mlp();
        Tensor x = Tensor.randn(new int[] {3, 8}, 9L).scale(3);
        Trainer.of(model, new Sgd(0.05)).epochs(3).batchSize(4).seed(2).fit(x, labels(8, 10L));
        Tensor mean = buffer(model, "bn1.runningMean");
        Tensor var = buffer(model, "bn1.runningVar");
        assertThat(mean).isNotEqualTo(Tensor.zeros(4, 1));
        Tensor h = new Linear().forward(x, model.parameter("fc1.weight").value(), model.parameter("fc1.bias").value());
        Tensor n = BatchNorm.evaluation().forward(h, model.parameter("bn1.gamma").value(),
                model.parameter("bn1.beta").value(), mean, var);
        Tensor z = new Linear().forward(new ReLU().forward(n), model.parameter("fc2.weight").value(),
                model.parameter("fc2.bias").value());
        assertThat(model.predict(x)).isEqualTo(new Sigmoid().forward(z));
        // One sample at a time gives the same: evaluation does not look at the rest of the batch.
        Tensor one = model.predict(x.selectColumns(5));
        assertThat(one.item()).isCloseTo(model.predict(x).at(0, 5), org.assertj.core.api.Assertions.within(1e-14));
    }

    private static Tensor buffer(GraphModel model, String name) {
        return model.buffers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow().value();
    }
}
