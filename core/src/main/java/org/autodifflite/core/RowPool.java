package org.autodifflite.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A small set of daemon threads that share the row blocks of a matrix product with the
 * calling thread.
 *
 * <p>A product of the sizes met here takes tens to hundreds of microseconds, so the hand-off
 * must cost far less than an executor's: the caller publishes the job through one volatile
 * field and starts on it at once; a worker spins briefly on that field after each job (so a
 * training loop or a checker that multiplies back to back finds it awake) and parks only after
 * {@link #SPIN_NANOS} of idleness.
 *
 * <p>Blocks are claimed one at a time from a shared counter rather than split in fixed ranges:
 * on a machine shared with other processes a worker may lose its core, and then the caller
 * simply takes the remaining blocks. Which thread computes a block never changes its values —
 * every output entry is the same chain of operations — so results are identical bit for bit
 * with one thread or many, and with several callers at once (each caller finishes its own job
 * whether or not a worker joins it). A caller that finds another caller already in the pool
 * does its blocks alone: several threads multiplying at once (a multi-threaded checker) keep the
 * cores busy without help.
 */
final class RowPool {

    /** How long an idle worker spins before parking. */
    static final long SPIN_NANOS = 50_000;

    /** Work on one row block. */
    interface BlockTask {
        /**
         * Processes one row block.
         *
         * @param block the block's index
         */
        void run(int block);
    }

    private final Thread[] workers;
    private final AtomicReference<Job> current = new AtomicReference<>();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger callers = new AtomicInteger();

    /**
     * Starts {@code threads − 1} daemon workers (the caller is the remaining thread).
     *
     * @param threads the number of threads that share a job, ≥ 2
     */
    RowPool(int threads) {
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(this::workLoop, "autodiff-lite-matmul-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /** @return the number of threads that share a job */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task} on blocks {@code 0 … blocks−1}, shared with the workers; returns when
     * every block is done.
     *
     * @param task the work on one block
     * @param blocks the number of blocks
     * @throws RuntimeException or Error, the first a block threw, after every block is done
     */
    void run(BlockTask task, int blocks) {
        if (callers.incrementAndGet() > 1) {
            // Several threads already multiply at once (a multi-threaded checker): the cores are
            // busy, and sharing the workers would only oversubscribe them.
            try {
                for (int b = 0; b < blocks; b++) {
                    task.run(b);
                }
            } finally {
                callers.decrementAndGet();
            }
            return;
        }
        try {
            share(task, blocks);
        } finally {
            callers.decrementAndGet();
        }
    }

    private void share(BlockTask task, int blocks) {
        Job job = new Job(task, blocks);
        current.set(job);
        if (parked.get() > 0) {
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
        }
        job.participate();
        long spins = 0;
        while (job.pending.get() != 0) {
            if (++spins < 1 << 16) {
                Thread.onSpinWait();
            } else {
                // A worker holding a block lost its core (the machine is shared): let it run.
                Thread.yield();
            }
        }
        current.compareAndSet(job, null);
        Throwable t = job.failure;
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
    }

    private void workLoop() {
        Job last = null;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            Job j;
            while ((j = current.get()) == null || j == last) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                parked.incrementAndGet();
                // Re-check after announcing: a job posted in between is either seen here or
                // followed by an unpark, which makes park return at once.
                j = current.get();
                if (j == null || j == last) {
                    LockSupport.park(this);
                }
                parked.decrementAndGet();
                deadline = System.nanoTime() + SPIN_NANOS;
            }
            last = j;
            j.participate();
        }
    }

    /** One product's blocks, claimed one at a time by whichever threads join. */
    private static final class Job {
        private final BlockTask task;
        private final int blocks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger pending;
        private volatile Throwable failure;

        Job(BlockTask task, int blocks) {
            this.task = task;
            this.blocks = blocks;
            this.pending = new AtomicInteger(blocks);
        }

        void participate() {
            int b;
            while ((b = next.getAndIncrement()) < blocks) {
                try {
                    task.run(b);
                } catch (RuntimeException | Error e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
