package org.autodifflite.core;

import java.util.Objects;

/**
 * An op that forwards every call to another op: the base for a wrapper that changes one thing —
 * a planted bug in the backward pass (tests, the demo, benchmarks), a different name for
 * reports. A subclass overrides what it changes; everything else, including the allocation-free
 * and incremental forwards the checker uses ({@link FastForward}, when the wrapped op has them),
 * stays the wrapped op's. The backward pass that skips unneeded gradients is <em>not</em>
 * forwarded: a wrapper's {@code backward} always runs, so a planted bug is never bypassed.
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
public abstract class ForwardingOp implements FastForward {

    private final Op delegate;
    /**
     * The delegate as a {@link FastForward}, or null: tested once here rather than by an
     * {@code instanceof} and a cast on every call (the checker calls these forwards several
     * times per perturbed entry, and a type test against an interface is not free).
     */
    private final FastForward fastDelegate;

    /**
     * Wraps an op.
     *
     * @param delegate the op every call goes to unless overridden
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingOp(Op delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.fastDelegate = delegate instanceof FastForward ? (FastForward) delegate : null;
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

    /**
     * The wrapped op's allocation-free forward, or its {@code forward} copied into {@code out}
     * when it has none.
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        if (fastDelegate != null) {
            fastDelegate.forwardInto(out, inputs);
            return;
        }
        Tensor y = delegate.forward(inputs);
        if (y == null || !y.sameShape(out)) {
            throw new IllegalArgumentException(name() + ": forwardInto was given a " + out.shape()
                    + " output buffer but forward returned " + (y == null ? "null" : y.shape())
                    + "; pass a buffer shaped like the output");
        }
        out.copyFrom(y);
    }

    /** The wrapped op's incremental forward, or {@code false} when it has none. */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        return fastDelegate != null && fastDelegate.forwardEntriesInto(out, input, from, to, inputs);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return delegate.backward(inputs, output, gradOutput);
    }
}
