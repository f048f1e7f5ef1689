package org.autodifflite.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Add;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.MatMul;
import org.autodifflite.core.ops.Multiply;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Softmax;
import org.autodifflite.core.ops.Sum;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;

/**
 * The planted bugs: for every op of the module, generic mistakes on each differentiable input
 * (scale ×k, sign flip, transposed gradient, upstream gradient ignored) and the op's own likely
 * mistakes written out by hand (a dropped term, the output or the input used in the wrong place,
 * a sum over the wrong axis), each with the verdict and the diagnosis the checker must give.
 */
final class Mutants {

    private Mutants() {
    }

    /** The kind of diagnosis a planted bug must get. */
    enum Kind {
        /** FAIL, {@code analytic = k × numeric} */
        SCALE,
        /** FAIL, {@code sign flip} */
        SIGN,
        /** FAIL, {@code transposed} */
        TRANSPOSED,
        /** FAIL, the analytic gradient is all zero */
        MISSING,
        /** CONTRACT, not linear in the upstream gradient */
        IGNORES_UPSTREAM,
        /** CONTRACT, a broadcast input's gradient left at the output's shape: the axes to sum over named */
        UNREDUCED,
        /** FAIL, the input named, the worst entries listed (no simpler pattern to recognize) */
        WRONG
    }

    /**
     * One planted bug.
     *
     * @param bug what the bug is, for the test's name
     * @param op the buggy op
     * @param input the input whose gradient is wrong (every other input must pass)
     * @param kind the diagnosis it must get
     * @param factor the factor of a {@link Kind#SCALE} bug
     * @param draw draws inputs of the shapes the bug needs
     */
    record Mutant(String bug, PlantedBug op, int input, Kind kind, double factor,
            Function<RandomGenerator, Tensor[]> draw) {

        /** @return the verdict the checker must give the wrong input */
        Verdict verdict() {
            return kind == Kind.IGNORES_UPSTREAM || kind == Kind.UNREDUCED ? Verdict.CONTRACT : Verdict.FAIL;
        }

        /** @return the words the diagnosis must contain, in this order, besides the place to fix */
        String[] expectedText() {
            if (kind == Kind.IGNORES_UPSTREAM) {
                return new String[] {"backward is not linear in the upstream gradient",
                    "also: backward ignores the upstream gradient"};
            }
            if (kind == Kind.UNREDUCED) {
                return new String[] {"it looks un-reduced", "sum the gradient over"};
            }
            return new String[] {text()};
        }

        private String text() {
            switch (kind) {
                case SCALE:
                    return String.format(Locale.ROOT, "analytic = %.2f × numeric", factor);
                case SIGN:
                    return "sign flip: analytic = −1.00 × numeric";
                case TRANSPOSED:
                    return "transposed: analytic ≈ numericᵀ";
                case MISSING:
                    return "the analytic gradient is all zero but the numeric one is not";
                default:
                    return "worst: (";
            }
        }

        /** @return the place the diagnosis must name, e.g. {@code W in Linear's backward} */
        String where() {
            return kind == Kind.UNREDUCED ? "gradient for " + op.inputName(input) + " of shape"
                    : op.inputName(input) + " in " + op.name() + "'s backward";
        }

        @Override
        public String toString() {
            return op.name() + " " + op.inputName(input) + ": " + bug;
        }
    }

    /** @return every planted bug of every op */
    static List<Mutant> all() {
        List<Mutant> out = new ArrayList<>();
        for (Op op : ops()) {
            for (int i = 0; i < op.arity(); i++) {
                if (op.differentiable(i)) {
                    generic(out, op, i);
                }
            }
        }
        specific(out);
        return out;
    }

    /** @return one instance of every op of the module */
    static List<Op> ops() {
        return List.of(new Linear(), new ReLU(), new LeakyReLU(0.1), new Sigmoid(), new Tanh(),
                new BinaryCrossEntropy(), new SigmoidBinaryCrossEntropy(), new MeanSquaredError(),
                new SoftmaxCrossEntropy(), new Dropout());
    }

    private static void generic(List<Mutant> out, Op op, int i) {
        Function<RandomGenerator, Tensor[]> any = any(op);
        for (double k : new double[] {2.0, 0.5, 1.01}) {
            out.add(new Mutant("scaled ×" + k, edit(op, i, (g, x, y, u) -> g.scale(k)), i, Kind.SCALE, k, any));
        }
        out.add(new Mutant("sign flipped", edit(op, i, (g, x, y, u) -> g.scale(-1)), i, Kind.SIGN, -1, any));
        boolean canBeSquare = !(op instanceof Linear && i == 2);   // b is out × 1
        if (canBeSquare) {
            out.add(new Mutant("transposed (square input)", edit(op, i, (g, x, y, u) -> g.transpose(-2, -1)), i,
                    Kind.TRANSPOSED, 1, rng -> RandomInputs.draw(op, rng, i)));
        }
        out.add(new Mutant("upstream gradient ignored", new PlantedBug(op, (x, y, u) -> {
            Tensor[] g = op.backward(x, y, u);
            g[i] = op.backward(x, y, Tensor.onesLike(u))[i];
            return g;
        }), i, Kind.IGNORES_UPSTREAM, 1, any));
    }

    /**
     * The same families on N-D shapes (rank 3–4), planted in the core primitives and the spatial
     * and normalization ops: a batched {@link MatMul}, broadcasting {@link Add} and
     * {@link Multiply}, {@link Sum} and {@link Softmax} over an inner axis, {@link Conv2d} and
     * {@link BatchNorm} (training). Each differentiable input gets the generic bugs (scale
     * ×2/×0.5/×1.01, sign flip, transposed on the last two axes where they can be square, upstream
     * gradient ignored where that is not simply zero), and each op its own: a transpose missing,
     * a broadcast reduction missing or over the wrong axis, the output or the input used where the
     * other belongs, a dropped term, a statistic over the wrong axes.
     *
     * @return every N-D planted bug
     */
    static List<Mutant> nd() {
        List<Mutant> out = new ArrayList<>();
        MatMul mm = new MatMul();
        for (int i = 0; i < 2; i++) {
            int input = i;
            generic(out, mm, i, rng -> NdInputs.matmul(rng, NdInputs.ANY), rng -> NdInputs.matmul(rng, input), true);
        }
        out.add(new Mutant("dA = G·B, the transpose of B forgotten (square B)", new PlantedBug(mm, (x, y, g) ->
                new Tensor[] {g.matmul(x[1]).sumTo(x[0].dims()), x[0].matmulTransposeLeft(g).sumTo(x[1].dims())}),
                0, Kind.WRONG, 1, rng -> NdInputs.matmul(rng, 1)));
        out.add(new Mutant("dB = A·G, the transpose of A forgotten (square A)", new PlantedBug(mm, (x, y, g) ->
                new Tensor[] {g.matmulTransposeRight(x[1]).sumTo(x[0].dims()), x[0].matmul(g).sumTo(x[1].dims())}),
                1, Kind.WRONG, 1, rng -> NdInputs.matmul(rng, 0)));
        out.add(new Mutant("dB of a B broadcast over the batch not summed over it", new PlantedBug(mm, (x, y, g) ->
                new Tensor[] {g.matmulTransposeRight(x[1]), x[0].matmulTransposeLeft(g)}),
                1, Kind.UNREDUCED, 1, NdInputs::matmulBroadcastB));

        Add add = new Add();
        for (int i = 0; i < 2; i++) {
            int input = i;
            generic(out, add, i, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY), rng -> NdInputs.broadcastPair(rng, input),
                    true);
        }
        out.add(new Mutant("dY not summed over the axes Y is broadcast along", new PlantedBug(add, (x, y, g) ->
                new Tensor[] {g.copy(), g.copy()}), 1, Kind.UNREDUCED, 1, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY)));
        out.add(new Mutant("dY of a column summed over the columns, not the rows (wrong axis)", new PlantedBug(add,
                (x, y, g) -> {
                    int[] lead = new int[g.rank() - 1];
                    java.util.Arrays.setAll(lead, a -> a);   // every axis but the last: the columns survive
                    return new Tensor[] {g.copy(), g.sum(lead, false).reshape(y.dim(-1), 1)};
                }), 1, Kind.WRONG, 1, NdInputs::columnAgainstSquare));

        Multiply mul = new Multiply();
        for (int i = 0; i < 2; i++) {
            int input = i;
            generic(out, mul, i, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY), rng -> NdInputs.broadcastPair(rng, input),
                    true);
        }
        out.add(new Mutant("dX = G·Z, the output used where Y belongs", new PlantedBug(mul, (x, y, g) ->
                new Tensor[] {g.multiply(y).sumTo(x[0].dims()), g.multiply(x[0]).sumTo(x[1].dims())}),
                0, Kind.WRONG, 1, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY)));
        out.add(new Mutant("dY = G·Y, its own value used where X belongs", new PlantedBug(mul, (x, y, g) ->
                new Tensor[] {g.multiply(x[1]).sumTo(x[0].dims()), g.multiply(x[1]).sumTo(x[1].dims())}),
                1, Kind.WRONG, 1, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY)));
        out.add(new Mutant("dY = G·X not summed over the axes Y is broadcast along", new PlantedBug(mul, (x, y, g) ->
                new Tensor[] {g.multiply(x[1]).sumTo(x[0].dims()), g.multiply(x[0])}),
                1, Kind.UNREDUCED, 1, rng -> NdInputs.broadcastPair(rng, NdInputs.ANY)));

        Sum sum = new Sum(new int[] {1}, false);
        generic(out, sum, 0, rng -> NdInputs.inner(rng, false), rng -> NdInputs.inner(rng, true), true);
        out.add(new Mutant("G spread along the last axis instead of axis 1 (wrong axis)", new PlantedBug(sum, (x, y, g) ->
                new Tensor[] {g.reshape(g.dim(0), g.dim(1), 1).broadcastTo(x[0].dims())}),
                0, Kind.WRONG, 1, rng -> NdInputs.inner(rng, true)));

        Softmax softmax = new Softmax(1);
        // Ignoring u in a softmax's backward gives y·(1 − Σy) = 0: the all-zero family, not this one.
        generic(out, softmax, 0, rng -> scaled(NdInputs.inner(rng, false), 2), rng -> scaled(NdInputs.inner(rng, true), 2),
                false);
        int[] axis1 = {1};
        int[] last = {-1};
        out.add(new Mutant("the −Σ G·Y term dropped: Y·G", new PlantedBug(softmax, (x, y, g) ->
                new Tensor[] {y.multiply(g)}), 0, Kind.WRONG, 1, rng -> scaled(NdInputs.inner(rng, false), 2)));
        out.add(new Mutant("Σ G·Y over the last axis instead of axis 1 (wrong axis)", new PlantedBug(softmax, (x, y, g) ->
                new Tensor[] {y.multiply(g.subtract(g.multiply(y).sum(last, true)))}),
                0, Kind.WRONG, 1, rng -> scaled(NdInputs.inner(rng, false), 2)));
        out.add(new Mutant("X used where the output Y belongs", new PlantedBug(softmax, (x, y, g) ->
                new Tensor[] {x[0].multiply(g.subtract(g.multiply(x[0]).sum(axis1, true)))}),
                0, Kind.WRONG, 1, rng -> scaled(NdInputs.inner(rng, false), 2)));

        Conv2d conv = new Conv2d(1, 1);
        NaiveSpatial.Geometry geometry = NaiveSpatial.Geometry.of(1, 1, 1);
        generic(out, conv, 0, rng -> NdInputs.conv(rng, NdInputs.ANY), rng -> NdInputs.conv(rng, 0), true);
        generic(out, conv, 1, rng -> NdInputs.conv(rng, NdInputs.ANY), rng -> NdInputs.conv(rng, 1), true);
        generic(out, conv, 2, rng -> NdInputs.conv(rng, NdInputs.ANY), null, true);
        out.add(new Mutant("∂L/∂W by convolution instead of correlation (kernel flipped)", new PlantedBug(conv, (x, y, g) ->
                NaiveSpatial.convBackward(x[0], x[1], true, g, geometry, NaiveSpatial.ConvBug.FLIPPED_KERNEL_IN_DW)),
                1, Kind.WRONG, 1, rng -> NdInputs.conv(rng, 1)));
        out.add(new Mutant("padding not cropped from ∂L/∂X", new PlantedBug(conv, (x, y, g) ->
                NaiveSpatial.convBackward(x[0], x[1], true, g, geometry, NaiveSpatial.ConvBug.PADDING_NOT_CROPPED)),
                0, Kind.WRONG, 1, rng -> NdInputs.conv(rng, NdInputs.ANY)));
        out.add(new Mutant("db missing (left at zero)", new PlantedBug(conv, (x, y, g) -> {
            Tensor[] right = conv.backward(x, y, g);
            return new Tensor[] {right[0], right[1], Tensor.zerosLike(x[2])};
        }), 2, Kind.MISSING, 1, rng -> NdInputs.conv(rng, NdInputs.ANY)));

        BatchNorm bn = BatchNorm.training();
        // Ignoring u gives ∂L/∂X and ∂L/∂γ of (nearly) zero (Σ x̂ = 0): only β keeps that family.
        generic(out, bn, 0, NdInputs::batchNorm4d, NdInputs::batchNormSquareImages, false);
        generic(out, bn, 1, NdInputs::batchNorm4d, null, false);
        generic(out, bn, 2, NdInputs::batchNorm4d, null, true);
        out.add(new Mutant("dγ = Σ G·Y, the output used where x̂ belongs", new PlantedBug(bn, (x, y, g) -> {
            Tensor[] right = bn.backward(x, y, g);
            return new Tensor[] {right[0], g.multiply(y).sum(new int[] {0, 2, 3}, false), right[2]};
        }), 1, Kind.WRONG, 1, NdInputs::batchNorm4d));
        out.add(new Mutant("dX without the variance term (a dropped term)", new PlantedBug(bn, (x, y, g) ->
                NormOpMutantTest.batchNormNoStatTerms(x, g, new int[] {0, 2, 3}, bn.epsilon(), false, true)),
                0, Kind.WRONG, 1, NdInputs::batchNorm4d));
        out.add(new Mutant("dX with the statistics over the features, not the batch (wrong axis, F = M)",
                new PlantedBug(bn, (x, y, g) -> {
                    Tensor[] right = bn.backward(x, y, g);
                    Tensor[] wrong = NormOpMutantTest.batchNormNoStatTerms(x, g, new int[] {0}, bn.epsilon(), false, false);
                    return new Tensor[] {wrong[0], right[1], right[2]};
                }), 0, Kind.WRONG, 1, NdInputs::batchNormSquare2d));
        return out;
    }

    private static Tensor[] scaled(Tensor[] in, double k) {
        in[0] = in[0].scale(k);
        return in;
    }

    /**
     * The generic bugs on one input of an N-D op.
     *
     * @param square draws inputs with that input's last two axes square, or null when it cannot be
     * @param ignoring whether to plant "upstream gradient ignored" (not where that gives zero)
     */
    static void generic(List<Mutant> out, Op op, int i, Function<RandomGenerator, Tensor[]> any,
            Function<RandomGenerator, Tensor[]> square, boolean ignoring) {
        for (double k : new double[] {2.0, 0.5, 1.01}) {
            out.add(new Mutant("scaled ×" + k, edit(op, i, (g, x, y, u) -> g.scale(k)), i, Kind.SCALE, k, any));
        }
        out.add(new Mutant("sign flipped", edit(op, i, (g, x, y, u) -> g.scale(-1)), i, Kind.SIGN, -1, any));
        if (square != null) {
            out.add(new Mutant("transposed on the last two axes", edit(op, i, (g, x, y, u) -> g.transpose(-2, -1)), i,
                    Kind.TRANSPOSED, 1, square));
        }
        if (ignoring) {
            out.add(new Mutant("upstream gradient ignored", new PlantedBug(op, (x, y, u) -> {
                Tensor[] g = op.backward(x, y, u).clone();
                g[i] = op.backward(x, y, Tensor.onesLike(u))[i];
                return g;
            }), i, Kind.IGNORES_UPSTREAM, 1, any));
        }
    }

    /** Changes the correct gradient of one input (the generic bugs). */
    @FunctionalInterface
    private interface Edit {
        Tensor apply(Tensor correct, Tensor[] x, Tensor y, Tensor u);
    }

    private static PlantedBug edit(Op op, int i, Edit e) {
        return new PlantedBug(op, (x, y, u) -> {
            Tensor[] g = op.backward(x, y, u);
            g[i] = e.apply(g[i], x, y, u);
            return g;
        });
    }

    private static Function<RandomGenerator, Tensor[]> any(Op op) {
        return rng -> RandomInputs.draw(op, rng, RandomInputs.ANY);
    }

    /** Each op's own likely mistakes, written out as the wrong backward one would write. */
    private static void specific(List<Mutant> out) {
        Linear lin = new Linear();
        out.add(new Mutant("db missing (left at zero)", new PlantedBug(lin, (x, y, g) -> new Tensor[] {
            x[1].transpose().matmul(g), g.matmul(x[0].transpose()), Tensor.zerosLike(x[2])}),
                2, Kind.MISSING, 1, any(lin)));
        out.add(new Mutant("db summed over rows instead of columns (out = m)", new PlantedBug(lin, (x, y, g) ->
                new Tensor[] {x[1].transpose().matmul(g), g.matmul(x[0].transpose()), g.sumCols().transpose()}),
                2, Kind.WRONG, 1, RandomInputs::linearWithOutEqualToBatch));
        out.add(new Mutant("dX = W·G, the transpose of W forgotten (square W)", new PlantedBug(lin, (x, y, g) ->
                new Tensor[] {x[1].matmul(g), g.matmul(x[0].transpose()), g.sumRows()}),
                0, Kind.WRONG, 1, rng -> RandomInputs.draw(lin, rng, 1)));
        out.add(new Mutant("dW = G·X, the transpose of X forgotten (square X)", new PlantedBug(lin, (x, y, g) ->
                new Tensor[] {x[1].transpose().matmul(g), g.matmul(x[0]), g.sumRows()}),
                1, Kind.WRONG, 1, rng -> RandomInputs.draw(lin, rng, 0)));

        ReLU relu = new ReLU();
        out.add(new Mutant("mask dropped: G passed through", new PlantedBug(relu, (x, y, g) ->
                new Tensor[] {g.copy()}), 0, Kind.WRONG, 1, any(relu)));
        out.add(new Mutant("mask inverted: G where Z ≤ 0", new PlantedBug(relu, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[0], (gv, z) -> z <= 0 ? gv : 0.0)}), 0, Kind.WRONG, 1, any(relu)));

        LeakyReLU leaky = new LeakyReLU(0.1);
        out.add(new Mutant("negative slope dropped (plain ReLU backward)", new PlantedBug(leaky, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[0], (gv, z) -> z > 0 ? gv : 0.0)}), 0, Kind.WRONG, 1, any(leaky)));
        out.add(new Mutant("slope applied on the positive side", new PlantedBug(leaky, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[0], (gv, z) -> z > 0 ? 0.1 * gv : gv)}), 0, Kind.WRONG, 1, any(leaky)));

        Sigmoid sig = new Sigmoid();
        out.add(new Mutant("σ(1−σ) → σ (the 1−σ term dropped)", new PlantedBug(sig, (x, y, g) ->
                new Tensor[] {g.multiply(y)}), 0, Kind.WRONG, 1, any(sig)));
        out.add(new Mutant("Z used where the output A belongs: Z(1−Z)", new PlantedBug(sig, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[0], (gv, z) -> gv * z * (1 - z))}), 0, Kind.WRONG, 1, any(sig)));

        Tanh tanh = new Tanh();
        out.add(new Mutant("Z used where the output A belongs: 1−Z²", new PlantedBug(tanh, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[0], (gv, z) -> gv * (1 - z * z))}), 0, Kind.WRONG, 1, any(tanh)));
        out.add(new Mutant("1−A² → 1−A (square dropped)", new PlantedBug(tanh, (x, y, g) ->
                new Tensor[] {g.zip("mutant", y, (gv, a) -> gv * (1 - a))}), 0, Kind.WRONG, 1, any(tanh)));

        BinaryCrossEntropy bce = new BinaryCrossEntropy();
        out.add(new Mutant("the (1−y)/(1−a) term dropped", new PlantedBug(bce, (x, y, g) -> {
            double s = g.item() / x[0].cols();
            return new Tensor[] {x[0].zip("mutant", x[1], (a, yv) -> s * (-yv / a)), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(bce)));
        out.add(new Mutant("1/m dropped", new PlantedBug(bce, (x, y, g) -> {
            double s = g.item();
            return new Tensor[] {x[0].zip("mutant", x[1], (a, yv) -> s * (-yv / a + (1 - yv) / (1 - a))),
                Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(bce)));

        SigmoidBinaryCrossEntropy sbce = new SigmoidBinaryCrossEntropy();
        out.add(new Mutant("Z used where σ(Z) belongs: Z − y", new PlantedBug(sbce, (x, y, g) -> {
            double s = g.item() / x[0].cols();
            return new Tensor[] {x[0].zip("mutant", x[1], (z, yv) -> s * (z - yv)), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(sbce)));
        out.add(new Mutant("the −y term dropped: σ(Z)", new PlantedBug(sbce, (x, y, g) -> {
            double s = g.item() / x[0].cols();
            return new Tensor[] {x[0].map(z -> s * Sigmoid.sigmoid(z)), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(sbce)));

        MeanSquaredError mse = new MeanSquaredError();
        out.add(new Mutant("the −Y term dropped: 2A/n", new PlantedBug(mse, (x, y, g) -> {
            double s = 2 * g.item() / x[0].size();
            return new Tensor[] {x[0].scale(s), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(mse)));
        out.add(new Mutant("mean over columns instead of all entries (rows > 1)", new PlantedBug(mse, (x, y, g) -> {
            double s = 2 * g.item() / x[0].cols();
            return new Tensor[] {x[0].subtract(x[1]).scale(s), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(mse)));

        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        out.add(new Mutant("softmax over rows instead of columns (wrong axis)", new PlantedBug(ce, (x, y, g) -> {
            double s = g.item() / x[0].cols();
            Tensor e = x[0].map(Math::exp);
            Tensor softmaxOverRows = e.divide(e.sumRows());
            return new Tensor[] {softmaxOverRows.subtract(x[1]).scale(s), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(ce)));
        out.add(new Mutant("the −Y term dropped: softmax(Z)/m", new PlantedBug(ce, (x, y, g) -> {
            double s = g.item() / x[0].cols();
            Tensor e = x[0].map(Math::exp);
            return new Tensor[] {e.divide(e.sumCols()).scale(s), Tensor.zerosLike(x[1])};
        }), 0, Kind.WRONG, 1, any(ce)));

        Dropout dropout = new Dropout();
        out.add(new Mutant("mask dropped: G passed through", new PlantedBug(dropout, (x, y, g) ->
                new Tensor[] {g.copy(), Tensor.zerosLike(x[1])}), 0, Kind.WRONG, 1, any(dropout)));
        out.add(new Mutant("1/keep scaling dropped: G·[mask > 0]", new PlantedBug(dropout, (x, y, g) ->
                new Tensor[] {g.zip("mutant", x[1], (gv, mv) -> mv > 0 ? gv : 0.0), Tensor.zerosLike(x[1])}),
                0, Kind.SCALE, 0.7, any(dropout)));   // masks keep 0.7: kept entries are 1/0.7
    }
}
