package com.example.consumer;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/** A user's own op: softplus(x) = log(1 + eˣ), element-wise; its derivative is the sigmoid. */
public final class SoftPlus implements Op {

    @Override
    public String name() {
        return "SoftPlus";
    }

    @Override
    public Tensor forward(Tensor... inputs) {
        return inputs[0].map(x -> Math.log1p(Math.exp(x)));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor sigmoid = inputs[0].map(x -> 1 / (1 + Math.exp(-x)));
        return new Tensor[] {gradOutput.multiply(sigmoid)};
    }
}
