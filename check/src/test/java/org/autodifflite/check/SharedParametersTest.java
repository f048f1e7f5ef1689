package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two graphs built on the same {@link Parameter} objects, checked end to end on two threads at
 * once: the end-to-end check borrows the shared gradients (its backward adds into them) and must
 * give them back bit for bit. A wide weight and one checked entry per parameter make each check
 * spend most of its time saving, accumulating and restoring, so that without the checker's lock
 * the two checks interleave there within a few rounds.
 */
class SharedParametersTest {

    @Test
    void sharedGradientsSurviveConcurrentEndToEndChecks() throws Exception {
        int n = 20_000;
        Parameter w = new Parameter("fc.weight", Tensor.randn(1, n, 1).scale(0.01));
        Parameter b = new Parameter("fc.bias", Tensor.zeros(1, 1));
        w.grad().copyFrom(Tensor.randn(1, n, 2));
        b.grad().copyFrom(Tensor.randn(1, 1, 3));
        Tensor wGrad = w.grad().copy();
        Tensor bGrad = b.grad().copy();
        Tensor wValue = w.value().copy();
        Graph[] graphs = new Graph[2];
        Node[] losses = new Node[2];
        for (int k = 0; k < 2; k++) {
            Graph g = new Graph();
            Node x = g.input("X", Tensor.randn(n, 2, 10 + k));
            Node z = g.apply("fc", TestOps.linear(), x, g.parameter(w), g.parameter(b));
            losses[k] = g.apply("loss", TestOps.SUM, g.apply("tanh", TestOps.TANH, z));
            graphs[k] = g;
        }
        GradientChecker checker = GradientChecker.defaults().withThreads(1).subset(1);
        String[] alone = {checker.checkEndToEnd(graphs[0], losses[0]).render(),
            checker.checkEndToEnd(graphs[1], losses[1]).render()};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] f = new Future<?>[2];
            for (int k = 0; k < 2; k++) {
                int q = k;
                f[k] = pool.submit(() -> {
                    for (int round = 0; round < 100; round++) {
                        assertThat(checker.checkEndToEnd(graphs[q], losses[q]).render()).isEqualTo(alone[q]);
                    }
                    return null;
                });
            }
            for (Future<?> x : f) {
                x.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(w.grad()).isEqualTo(wGrad);   // Tensor.equals is bit for bit
        assertThat(b.grad()).isEqualTo(bGrad);
        assertThat(w.value()).isEqualTo(wValue);
    }
}
