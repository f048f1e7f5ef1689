package org.autodifflite.check;

import java.util.function.DoubleUnaryOperator;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Small ops for testing the checker (check depends on core only, never on layers): the seed
 * network's Linear, ReLU, Sigmoid and mean BCE, smooth element-wise functions, a matmul, a
 * dropout whose mask is an input, and wrappers that break a correct op in a known way.
 */
final class TestOps {

    private TestOps() {
    }

    /** An element-wise op {@code y = f(x)} with {@code dy/dx = f'(x)}. */
    static Op elementwise(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        return new Op() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int arity() {
                return 1;
            }

            @Override
            public String inputName(int index) {
                return "x";
            }

            @Override
            public Tensor forward(Tensor... in) {
                Op.requireInputs(this, in);
                return in[0].map(f);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return new Tensor[] {g.multiply(in[0].map(df))};
            }
        };
    }

    static final Op SIN = elementwise("Sin", Math::sin, Math::cos);
    static final Op EXP = elementwise("Exp", Math::exp, Math::exp);
    static final Op TANH = elementwise("Tanh", Math::tanh, x -> 1 - Math.tanh(x) * Math.tanh(x));
    static final Op RELU = elementwise("ReLU", x -> Math.max(0, x), x -> x > 0 ? 1 : 0);
    static final Op SIGMOID = elementwise("Sigmoid", TestOps::sigmoid,
            x -> sigmoid(x) * (1 - sigmoid(x)));

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Matrix product A·B. */
    static final Op MATMUL = new Op() {
        @Override
        public String name() {
            return "MatMul";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "A" : "B";
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return in[0].matmul(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.matmul(in[1].transpose()), in[0].transpose().matmul(g)};
        }
    };

    /** The seed's Linear: {@code Z = W·X + b}, inputs (X, W, b). */
    static Op linear() {
        return linear(1, 1);
    }

    /**
     * A Linear whose dW is multiplied by {@code wFactor} and db by {@code bFactor}: the
     * notebook's two bugs are {@code linear(2, 1)} (layer 2) and {@code linear(1, 4)} (layer 1).
     */
    static Op linear(double wFactor, double bFactor) {
        return new Op() {
            @Override
            public String name() {
                return "Linear";
            }

            @Override
            public int arity() {
                return 3;
            }

            @Override
            public String inputName(int index) {
                return new String[] {"X", "W", "b"}[index];
            }

            @Override
            public Tensor forward(Tensor... in) {
                Op.requireInputs(this, in);
                return in[1].matmul(in[0]).add(in[2]);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return new Tensor[] {in[1].transpose().matmul(g), g.matmul(in[0].transpose()).scale(wFactor),
                    g.sumRows().scale(bFactor)};
            }
        };
    }

    /** Mean binary cross-entropy of (A, Y): {@code −(1/m)Σ[y·log a + (1−y)·log(1−a)]}, Y not differentiable. */
    static final Op BCE = new Op() {
        @Override
        public String name() {
            return "BCE";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "A" : "Y";
        }

        @Override
        public boolean differentiable(int index) {
            return index == 0;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            Tensor a = in[0];
            Tensor y = in[1];
            int m = a.cols();
            // The notebook's order: −log(a)·y + −log(1−a)·(1−y), summed, times 1/m.
            double s = 0;
            for (int k = 0; k < a.size(); k++) {
                s += -Math.log(a.get(k)) * y.get(k) + -Math.log(1 - a.get(k)) * (1 - y.get(k));
            }
            return Tensor.scalar(1.0 / m * s);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            Tensor a = in[0];
            Tensor y = in[1];
            int m = a.cols();
            Tensor da = a.zip("BCE", y, (p, t) -> (p - t) / (p * (1 - p)) / m).scale(g.item());
            return new Tensor[] {da, Tensor.zerosLike(y)};
        }
    };

    /** Dropout as a pure op: {@code y = x ⊙ mask}, the mask an input (a leaf) and not differentiable. */
    static final Op DROPOUT = new Op() {
        @Override
        public String name() {
            return "Dropout";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "x" : "mask";
        }

        @Override
        public boolean differentiable(int index) {
            return index == 0;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return in[0].multiply(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.multiply(in[1]), Tensor.zerosLike(in[1])};
        }
    };

    /** Element-wise sum of two same-shaped tensors. */
    static final Op ADD = new Op() {
        @Override
        public String name() {
            return "Add";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            Tensor.requireSameShape(name(), in[0], in[1]);
            return in[0].add(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.copy(), g.copy()};
        }
    };

    /** Sum of all entries, to a 1×1 scalar. */
    static final Op SUM = new Op() {
        @Override
        public String name() {
            return "Sum";
        }

        @Override
        public int arity() {
            return 1;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return Tensor.scalar(in[0].sum());
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {Tensor.filled(in[0].rows(), in[0].cols(), g.item())};
        }
    };

    /** An op with a custom forward and backward, for purpose-built broken ops. */
    static Op custom(String name, java.util.function.Function<Tensor, Tensor> forward,
            java.util.function.BiFunction<Tensor, Tensor, Tensor> backward) {
        return new Op() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int arity() {
                return 1;
            }

            @Override
            public String inputName(int index) {
                return "x";
            }

            @Override
            public Tensor forward(Tensor... in) {
                Op.requireInputs(this, in);
                return forward.apply(in[0]);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return new Tensor[] {backward.apply(in[0], g)};
            }
        };
    }

    /** Wraps a correct op; its backward maps the gradient of one input through {@code broken}. */
    static Op breaking(Op op, int input, java.util.function.BiFunction<Tensor, Tensor, Tensor> broken) {
        return new org.autodifflite.core.ForwardingOp(op) {
            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                Tensor[] grads = super.backward(in, out, g).clone();
                grads[input] = broken.apply(grads[input], g);
                return grads;
            }
        };
    }

    /** A correct op whose gradient for one input is scaled by {@code factor}. */
    static Op scaled(Op op, int input, double factor) {
        return breaking(op, input, (grad, g) -> grad.scale(factor));
    }
}
