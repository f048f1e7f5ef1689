package org.autodifflite.core.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * <p>Blocks are claimed one at a time from a shared counter. On a machine shared with other
 * processes a worker may lose its core in the middle of a block, so a worker computes its block
 * into a private buffer and copies it into the output only if the caller has not taken the block
 * over: when the caller runs out of blocks it waits about two block-times for the workers, then
 * computes the blocks they still hold itself. Which thread computes a block never changes its
 * values — every output entry is the same chain of operations — so results are identical bit for
 * bit with one thread or many.
 *
 * <p>A caller that finds another caller already in the pool does its blocks alone: several
 * threads multiplying at once (a multi-threaded checker) keep the cores busy without help. And
 * when the workers compute few blocks (other processes hold the cores), the pool is bypassed for
 * the next {@link #ALONE_JOBS} jobs before it is tried again; so is it when they take blocks but
 * the jobs do not finish sooner for it (a worker that loses its core mid-block keeps the caller
 * waiting).
 */
final class RowPool {

    /** How long an idle worker spins before parking. */
    static final long SPIN_NANOS = 50_000;

    /** Below this moving share of blocks computed by workers, the pool is not worth using. */
    static final double LOW_SHARE = 0.15;

    /**
     * Below this moving speed-up (the caller's time per block × blocks / the job's time), the
     * pool is not worth using either: the workers took blocks but the caller waited for them.
     */
    static final double LOW_GAIN = 1.15;

    /** Jobs shorter than this do not count towards that speed-up. */
    static final long GAIN_MIN_NANOS = 100_000;

    /** How many jobs a caller then runs alone before trying the workers again. */
    static final int ALONE_JOBS = 64;

    /** The least the caller waits for a block a worker holds before computing it itself. */
    static final long MIN_GRACE_NANOS = 20_000;

    private final Thread[] workers;
    private final AtomicReference<Job> current = new AtomicReference<>();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger callers = new AtomicInteger();
    /** Moving average of the blocks the workers computed; touched only by the one caller inside. */
    private double workerShare = 0.5;
    /** Moving average of the speed-up the workers gave; touched only by the one caller inside. */
    private double gain = 2.0;
    /** Jobs left to run alone after the workers were found not to help. */
    private int alone;

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
     * Computes blocks {@code 0 … blocks−1}, shared with the workers; returns when every block is
     * in the output.
     *
     * @param task how to compute a block
     * @param blocks the number of blocks
     */
    void run(MatMul.SharedBlocks task, int blocks) {
        if (callers.incrementAndGet() > 1) {
            try {
                for (int b = 0; b < blocks; b++) {
                    task.direct(b);
                }
            } finally {
                callers.decrementAndGet();
            }
            return;
        }
        try {
            if (alone > 0) {
                alone--;
                for (int b = 0; b < blocks; b++) {
                    task.direct(b);
                }
                return;
            }
            Job job = new Job(task, blocks);
            current.set(job);
            if (parked.get() > 0) {
                for (Thread w : workers) {
                    LockSupport.unpark(w);
                }
            }
            long start = System.nanoTime();
            int mine = job.lead();
            long elapsed = System.nanoTime() - start;
            current.compareAndSet(job, null);
            // When the other cores are busy with other work, the workers get little done and
            // their spinning only slows the caller: then run alone for a while and try again.
            workerShare = 0.75 * workerShare + 0.25 * (1.0 - (double) mine / blocks);
            // A worker may also take its share of blocks and then lose its core, so that the
            // caller waits for it: judged by the time the job took against the caller's own
            // time per block (two threads that share well make about 2). Only jobs long enough
            // for the hand-off's own cost not to count (the 784→128 layer's products and Adam
            // update; not the 64→128 layer's, of a few microseconds per block).
            if (mine > 0 && elapsed >= GAIN_MIN_NANOS) {
                gain = 0.75 * gain + 0.25 * ((double) job.callerNanos / mine * blocks / elapsed);
            }
            if (workerShare < LOW_SHARE || gain < LOW_GAIN) {
                alone = ALONE_JOBS;
                workerShare = 0.5;
                gain = 2.0;
            }
        } finally {
            callers.decrementAndGet();
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
            j.help();
        }
    }

    /** One product's blocks and who holds each. */
    private static final class Job {
        /** Claimed from the counter by a worker that has not yet marked it. */
        private static final int FREE = 0;
        private static final int WORKER = 1;
        private static final int COMMITTING = 2;
        private static final int DONE = 3;
        private static final int CALLER = 4;

        private final MatMul.SharedBlocks task;
        private final int blocks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicIntegerArray state;
        /** The caller's time inside {@link MatMul.SharedBlocks#direct}, its own blocks and those it took over. */
        long callerNanos;

        Job(MatMul.SharedBlocks task, int blocks) {
            this.task = task;
            this.blocks = blocks;
            this.state = new AtomicIntegerArray(blocks);
        }

        /** A worker's part: claim, compute aside, commit unless the caller took the block over. */
        void help() {
            int b;
            while ((b = next.getAndIncrement()) < blocks) {
                if (!state.compareAndSet(b, FREE, WORKER)) {
                    continue;
                }
                try {
                    task.aside(b);
                } catch (RuntimeException | Error e) {
                    continue; // left as WORKER: the caller computes it and meets the error itself
                }
                if (state.compareAndSet(b, WORKER, COMMITTING)) {
                    try {
                        task.commit(b);
                    } finally {
                        state.set(b, DONE);
                    }
                }
            }
        }

        /**
         * The caller's part: claim and compute; then finish or take over the workers' blocks.
         *
         * @return how many blocks the caller computed
         */
        int lead() {
            long blockNanos = 0;
            int mine = 0;
            int b;
            while ((b = next.getAndIncrement()) < blocks) {
                state.set(b, CALLER);
                mine++;
                long t = System.nanoTime();
                task.direct(b);
                long took = System.nanoTime() - t;
                blockNanos = Math.max(blockNanos, took);
                callerNanos += took;
            }
            long deadline = System.nanoTime() + Math.max(MIN_GRACE_NANOS, 2 * blockNanos);
            for (b = 0; b < blocks; b++) {
                long spins = 0;
                while (true) {
                    int s = state.get(b);
                    if (s == DONE || s == CALLER) {
                        break;
                    }
                    if (s != COMMITTING && System.nanoTime() > deadline) {
                        // The worker holding it is slow (it lost its core): compute it here.
                        if (state.compareAndSet(b, s, CALLER)) {
                            long t = System.nanoTime();
                            task.direct(b);
                            callerNanos += System.nanoTime() - t;
                            mine++;
                            break;
                        }
                        continue;
                    }
                    if (++spins < 1 << 14) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
            }
            return mine;
        }
    }
}
