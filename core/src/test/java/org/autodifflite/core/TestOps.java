package org.autodifflite.core;

/** Small ops with known derivatives, for testing the engine alone. */
final class TestOps {

    private TestOps() {
    }

    /** Element-wise product of two same-shaped tensors. */
    static final Op MUL = new Op() {
        @Override
        public String name() {
            return "Mul";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            Tensor.requireSameShape(name(), in[0], in[1]);
            return in[0].multiply(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.multiply(in[1]), g.multiply(in[0])};
        }
    };

    /** Matrix product. */
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
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return in[0].matmul(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.matmul(in[1].transpose()), in[0].transpose().matmul(g)};
        }
    };

    /** Sum of all entries, to a rank-0 scalar. */
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
            return new Tensor[] {Tensor.fullLike(in[0], g.item())};
        }
    };

    /** x ↦ sin(x), element-wise. */
    static final Op SIN = new Op() {
        @Override
        public String name() {
            return "Sin";
        }

        @Override
        public int arity() {
            return 1;
        }

        @Override
        public Tensor forward(Tensor... in) {
            Op.requireInputs(this, in);
            return in[0].map(Math::sin);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.multiply(in[0].map(Math::cos))};
        }
    };

    /** An op whose backward returns the given gradients, whatever they are. */
    static Op backwardReturning(Tensor... grads) {
        return new Op() {
            @Override
            public String name() {
                return "Broken";
            }

            @Override
            public String inputName(int index) {
                return "x";
            }

            @Override
            public Tensor forward(Tensor... in) {
                return Tensor.scalar(in[0].sum());
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return grads;
            }
        };
    }
}
