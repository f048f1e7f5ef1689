package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;

/**
 * Runs the entries of one input on several threads. Each thread gets its own worker (a private
 * copy of the inputs it perturbs), works through a contiguous range of indices, and writes its
 * results by index, so the outcome does not depend on the number of threads.
 */
final class Parallel implements AutoCloseable {

    /**
     * Worker threads shared by every check: starting threads for each {@code checkOp} call cost
     * more than a small op's whole check. Idle workers end after a minute; a caller never waits
     * for another caller's tasks, since the pool starts a thread whenever none is idle.
     */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gradient-check");
        t.setDaemon(true);
        return t;
    });

    private final int threads;
    private final ExecutorService pool;

    /** @return the most workers a run uses */
    int threads() {
        return threads;
    }

    Parallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? POOL : null;
    }

    /**
     * Calls {@code body(worker, i)} for every {@code i} in {@code [0, n)}.
     *
     * @param newWorker gives the worker of a contiguous range of indices, from the range's
     *     number {@code c} ({@code 0 ≤ c < threads}); no two ranges of one run share a number,
     *     so a caller may hand out one cached worker per number
     *
     * @throws RuntimeException the first exception thrown, in index order, unchanged (so an
     *     op's exception reaches the caller as itself)
     */
    <W> void run(int n, IntFunction<W> newWorker, ObjIntConsumer<W> body) {
        int t = pool == null ? 1 : Math.min(threads, n);
        if (t <= 1) {
            W w = newWorker.apply(0);
            for (int i = 0; i < n; i++) {
                body.accept(w, i);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(t);
        for (int c = 0; c < t; c++) {
            int lo = (int) ((long) n * c / t);
            int hi = (int) ((long) n * (c + 1) / t);
            int chunk = c;
            futures.add(pool.submit(() -> {
                W w = newWorker.apply(chunk);
                for (int i = lo; i < hi; i++) {
                    body.accept(w, i);
                }
            }));
        }
        Throwable first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException("gradient check interrupted", first);
        }
    }

    /** Nothing to release: the workers are shared (kept for try-with-resources at the call sites). */
    @Override
    public void close() {
    }
}
