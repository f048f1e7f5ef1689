package org.autodifflite.core;

import java.util.Objects;

/**
 * An op that forwards every call to another op: the base for a wrapper that changes one thing —
 * a planted bug in the backward pass (tests, the demo, benchmarks), a different name for
 * reports. A subclass overrides what it changes; everything else, including the allocation-free
 * and incremental forwards the checker uses, stays the wrapped op's.
 *
 * <pre>{@code
 * Op doubled = new ForwardingOp(new Linear()) {
 *     public Tensor[] backward(Tensor[] x, Tensor y, Tensor g) {
 *         Tensor[] grads = super.backward(x, y, g);
 *         grads[1] = grads[1].scale(2);           // the notebook's dW2 · 2
 *         return grads;
 *     }
 * };
 * }</pre>
 */
public abstract class ForwardingOp implements Op {

    private final Op delegate;

    /**
     * Wraps an op.
     *
     * @param delegate the op every call goes to unless overridden
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingOp(Op delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the wrapped op */
    public final Op delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int arity() {
        return delegate.arity();
    }

    @Override
    public String inputName(int index) {
        return delegate.inputName(index);
    }

    @Override
    public boolean differentiable(int index) {
        return delegate.differentiable(index);
    }

    @Override
    public Tensor forward(Tensor... inputs) {
        return delegate.forward(inputs);
    }

    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        delegate.forwardInto(out, inputs);
    }

    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        return delegate.forwardEntriesInto(out, input, from, to, inputs);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return delegate.backward(inputs, output, gradOutput);
    }
}
