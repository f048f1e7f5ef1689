package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import org.junit.jupiter.api.Test;

/**
 * A long run: 100,000 training steps of a tiny network with a sampled gradient check of the
 * whole graph every 1,000 steps. Every check passes and leaves the parameters bit for bit as
 * they were, the loss falls, and the heap in use after a full collection grows by less than
 * {@link #HEAP_GROWTH_BOUND} bytes from the first check point (after a warm-up) to the end:
 * nothing accumulates per step or per check.
 */
class LongRunTest {

    private static final int STEPS = 100_000;
    private static final int CHECK_EVERY = 1_000;
    private static final int SAMPLES = 400;
    private static final int BATCH = 4;

    /** The allowed growth of the used heap: 2 MiB, far below one byte per step per parameter checked. */
    private static final long HEAP_GROWTH_BOUND = 2L << 20;

    /** Used heap after collecting until it no longer shrinks. */
    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            if (used >= best) {
                break;
            }
            best = used;
        }
        return best;
    }

    @Test
    void aHundredThousandStepsWithAGradientCheckEveryThousandHoldSteadyMemory() {
        Sequential model = Sequential.builder(2).seed(5).dense("fc1", 3).tanh().dense("fc2", 1)
                .loss(new SigmoidBinaryCrossEntropy()).build();
        Well19937c rng = new Well19937c(8);
        Tensor x = Tensor.randn(2, SAMPLES, rng);
        Tensor y = Tensor.zeros(1, SAMPLES);
        for (int j = 0; j < SAMPLES; j++) {
            y.set(0, j, x.get(0, j) * x.get(1, j) > 0 ? 1 : 0);   // XOR of the signs: needs the hidden layer
        }
        GradientChecker sampled = GradientChecker.defaults().subset(4).withThreads(1);
        long[] heap = new long[2];
        int[] checks = {0};
        List<Double> history = Trainer.of(model, new Adam(0.01)).epochs(STEPS * BATCH / SAMPLES).batchSize(BATCH)
                .seed(2).listener(new TrainingListener() {
                    @Override
                    public void onStep(StepEvent e) {
                        if (e.step() % CHECK_EVERY != 0) {
                            return;
                        }
                        List<long[]> before = NothingLostTest.snapshot(model.parameters());
                        e.model().graph().recompute();   // node values after the step
                        CheckReport r = sampled.withSeed(e.step()).checkGraph(e.model().graph(), e.model().loss());
                        assertThat(r.passed()).as("step %d:%n%s", e.step(), r.render()).isTrue();
                        NothingLostTest.assertSame(before, NothingLostTest.snapshot(model.parameters()));
                        checks[0]++;
                        if (e.step() == 2 * CHECK_EVERY) {
                            heap[0] = usedHeapAfterGc();   // after a warm-up of 2,000 steps and 2 checks
                        }
                    }
                }).fit(x, y);
        heap[1] = usedHeapAfterGc();
        assertThat(checks[0]).isEqualTo(STEPS / CHECK_EVERY);
        assertThat(history).hasSize(STEPS * BATCH / SAMPLES);
        assertThat(history.get(history.size() - 1)).isLessThan(history.get(0));
        System.out.printf("long run: %d steps, %d sampled gradient checks passed, loss %.4f → %.4f, used heap"
                + " after GC %d bytes at step %d and %d bytes at step %d (growth %d bytes, bound %d)%n",
                STEPS, checks[0], history.get(0), history.get(history.size() - 1), heap[0], 2 * CHECK_EVERY,
                heap[1], STEPS, heap[1] - heap[0], HEAP_GROWTH_BOUND);
        assertThat(heap[1] - heap[0]).as("used heap growth over %d steps", STEPS).isLessThan(HEAP_GROWTH_BOUND);
    }
}
