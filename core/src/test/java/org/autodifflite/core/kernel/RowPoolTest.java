package org.autodifflite.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-off: every block lands in the output exactly once, whoever computes it. */
class RowPoolTest {

    /** Writes block b's value (b+1)² wherever it is computed; counts the copies into the output. */
    private static final class Squares implements MatMul.SharedBlocks {
        final double[] out;
        final long asideSleepMillis;
        final AtomicInteger writes = new AtomicInteger();
        final ConcurrentHashMap<Thread, double[]> aside = new ConcurrentHashMap<>();

        Squares(int blocks, long asideSleepMillis) {
            this.out = new double[blocks];
            this.asideSleepMillis = asideSleepMillis;
        }

        @Override
        public void direct(int b) {
            out[b] = (b + 1.0) * (b + 1.0);
            writes.incrementAndGet();
        }

        @Override
        public void aside(int b) {
            if (asideSleepMillis > 0) {
                try {
                    Thread.sleep(asideSleepMillis); // a worker that lost its core
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            aside.computeIfAbsent(Thread.currentThread(), t -> new double[1])[0] = (b + 1.0) * (b + 1.0);
        }

        @Override
        public void commit(int b) {
            out[b] = aside.get(Thread.currentThread())[0];
            writes.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "workers sleeping {0} ms per block")
    @ValueSource(longs = {0, 3})
    void everyBlockLandsOnceEvenWhenWorkersStall(long sleep) {
        RowPool pool = new RowPool(3);
        for (int rep = 0; rep < 20; rep++) {
            int blocks = 1 + rep * 5;
            Squares task = new Squares(blocks, sleep);
            pool.run(task, blocks);
            for (int b = 0; b < blocks; b++) {
                assertThat(task.out[b]).as("block %d of %d", b, blocks).isEqualTo((b + 1.0) * (b + 1.0));
            }
            // A stalled worker's late result is discarded, never written over the caller's.
            assertThat(task.writes.get()).isEqualTo(blocks);
        }
    }

    @Test
    void aSecondCallerWorksAloneAndGetsAllItsBlocks() throws Exception {
        RowPool pool = new RowPool(2);
        Squares slow = new Squares(40, 2);
        Thread other = new Thread(() -> pool.run(slow, 40));
        other.start();
        Squares mine = new Squares(100, 0);
        pool.run(mine, 100);
        other.join();
        for (int b = 0; b < 100; b++) {
            assertThat(mine.out[b]).isEqualTo((b + 1.0) * (b + 1.0));
        }
        for (int b = 0; b < 40; b++) {
            assertThat(slow.out[b]).isEqualTo((b + 1.0) * (b + 1.0));
        }
    }
}
