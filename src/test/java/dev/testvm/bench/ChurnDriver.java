package dev.testvm.bench;

import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Create/delete cycles with a fixed number in flight, as CI pipelines come and go: each cycle
 * creates one TestVM, waits until it is Ready (or, for a share of cycles, deletes it after a random
 * moment in its clone / power-on / boot, as a cancelled pipeline does), deletes it and waits until
 * it is gone from the API server (finalizer done).
 */
final class ChurnDriver {

    /** Counts of one run. */
    record Result(int cycles, int readyThenDeleted, int deletedEarly, int readyTimeouts, int goneTimeouts, int errors,
            double seconds) {}

    private final KubernetesClient client;
    private final BenchWorkload workload;
    private final TestVMTracker tracker;
    private final int earlyDeletePercent;
    private final Duration earlyDeleteWithin;
    private final Duration timeout;

    /**
     * @param earlyDeletePercent share of cycles deleted before Ready
     * @param earlyDeleteWithin  those are deleted after a uniformly random delay in [0, this]
     * @param timeout            per wait (Ready, gone); a cycle that runs over it is counted and goes on
     */
    ChurnDriver(KubernetesClient client, BenchWorkload workload, TestVMTracker tracker, int earlyDeletePercent,
            Duration earlyDeleteWithin, Duration timeout) {
        this.client = client;
        this.workload = workload;
        this.tracker = tracker;
        this.earlyDeletePercent = earlyDeletePercent;
        this.earlyDeleteWithin = earlyDeleteWithin;
        this.timeout = timeout;
    }

    Result run(int cycles, int inFlight, Consumer<String> progress) throws InterruptedException {
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger early = new AtomicInteger();
        AtomicInteger readyTimeouts = new AtomicInteger();
        AtomicInteger goneTimeouts = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        for (int i = 0; i < cycles; i++) {
            int cycle = i;
            pool.execute(() -> {
                try {
                    Outcome outcome = cycle(cycle);
                    switch (outcome) {
                        case READY -> ready.incrementAndGet();
                        case EARLY -> early.incrementAndGet();
                        case READY_TIMEOUT -> readyTimeouts.incrementAndGet();
                        case GONE_TIMEOUT -> goneTimeouts.incrementAndGet();
                    }
                } catch (RuntimeException | ExecutionException e) {
                    errors.incrementAndGet();
                    progress.accept("cycle " + cycle + " failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = done.incrementAndGet();
                if (n % 100 == 0) {
                    progress.accept(String.format(Locale.ROOT, "%d of %d cycles done after %.0f s", n, cycles,
                            (System.nanoTime() - started) / 1e9));
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(cycles * timeout.toMillis() * 2 / inFlight + 60_000, TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("churn did not finish");
        }
        return new Result(cycles, ready.get(), early.get(), readyTimeouts.get(), goneTimeouts.get(), errors.get(),
                (System.nanoTime() - started) / 1e9);
    }

    private enum Outcome { READY, EARLY, READY_TIMEOUT, GONE_TIMEOUT }

    private Outcome cycle(int i) throws InterruptedException, ExecutionException {
        String name = String.format(Locale.ROOT, "churn-%04d", i);
        client.resource(workload.testVM(name, i)).create();
        Outcome outcome = Outcome.READY;
        if (deletesEarly(i)) {
            Thread.sleep((long) (new Random(i).nextDouble() * earlyDeleteWithin.toMillis()));
            outcome = Outcome.EARLY;
        } else {
            try {
                tracker.ready(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                outcome = Outcome.READY_TIMEOUT;
            }
        }
        client.resources(TestVM.class).inNamespace(workload.namespace()).withName(name).delete();
        try {
            tracker.gone(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.GONE_TIMEOUT;
        }
        return outcome;
    }

    /** Which cycles are cancelled early: exactly {@code earlyDeletePercent} of every 100, spread out. */
    private boolean deletesEarly(int i) {
        return (int) ((31L * i + 11) % 100) < earlyDeletePercent;
    }

    static List<String> stuckWithFinalizer(List<TestVM> left) {
        return left.stream().filter(t -> t.getMetadata().getFinalizers() != null && !t.getMetadata().getFinalizers().isEmpty())
                .map(t -> t.getMetadata().getName() + (t.getMetadata().getDeletionTimestamp() != null ? " (deleting)" : "")
                        + " phase " + (t.getStatus() == null ? "none" : t.getStatus().getPhase()))
                .toList();
    }
}
