package org.autodifflite.demo;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * The runnable walkthrough. For now it runs the seed notebook's one-dimensional example through
 * the engine: {@code J(θ) = θ·x} at {@code x = 2, θ = 4}.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the walkthrough.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Op times = new Op() {
            @Override
            public String name() {
                return "Times";
            }

            @Override
            public Tensor forward(Tensor... in) {
                return in[0].multiply(in[1]);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return new Tensor[] {g.multiply(in[1]), g.multiply(in[0])};
            }
        };
        Graph g = new Graph();
        Parameter theta = new Parameter("theta", Tensor.scalar(4));
        Node x = g.input("x", Tensor.scalar(2));
        Node j = g.apply("J", times, g.parameter(theta), x);
        g.backward(j);
        System.out.println("J = " + fmt(j.value().item()));
        System.out.println("dtheta = " + fmt(theta.grad().item()));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
