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
            double seconds, int badFailed, int badNotFailed, double[] createToReadySeconds) {}

    /** The template the bad share of cycles names: it does not exist, so they fail (TemplateNotFound). */
    static final String MISSING_TEMPLATE = "Templates/no-such-template";

    private final KubernetesClient client;
    private final BenchWorkload workload;
    private final TestVMTracker tracker;
    private final int earlyDeletePercent;
    private final Duration earlyDeleteWithin;
    private final Duration timeout;
    private final int badTemplatePercent;
    /** Failed TestVMs of the bad share: left standing, as a user's typo is, until {@link #deleteStanding}. */
    private final List<String> standing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<String, Long> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Double> createToReady = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param earlyDeletePercent share of cycles deleted before Ready
     * @param earlyDeleteWithin  those are deleted after a uniformly random delay in [0, this]
     * @param timeout            per wait (Ready, gone); a cycle that runs over it is counted and goes on
     */
    ChurnDriver(KubernetesClient client, BenchWorkload workload, TestVMTracker tracker, int earlyDeletePercent,
            Duration earlyDeleteWithin, Duration timeout) {
        this(client, workload, tracker, earlyDeletePercent, earlyDeleteWithin, timeout, 0);
    }

    /** @param badTemplatePercent share of cycles that name a template that does not exist (issue 11) */
    ChurnDriver(KubernetesClient client, BenchWorkload workload, TestVMTracker tracker, int earlyDeletePercent,
            Duration earlyDeleteWithin, Duration timeout, int badTemplatePercent) {
        this.badTemplatePercent = badTemplatePercent;
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
        AtomicInteger badFailed = new AtomicInteger();
        AtomicInteger badNotFailed = new AtomicInteger();
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
                        case BAD_FAILED -> badFailed.incrementAndGet();
                        case BAD_NOT_FAILED -> badNotFailed.incrementAndGet();
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
                (System.nanoTime() - started) / 1e9, badFailed.get(), badNotFailed.get(),
                createToReady.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    private enum Outcome { READY, EARLY, READY_TIMEOUT, GONE_TIMEOUT, BAD_FAILED, BAD_NOT_FAILED }

    private Outcome cycle(int i) throws InterruptedException, ExecutionException {
        if (namesBadTemplate(i)) {
            return badCycle(i);
        }
        String name = String.format(Locale.ROOT, "churn-%04d", i);
        createdAt.put(name, System.currentTimeMillis());
        client.resource(workload.testVM(name, i)).create();
        Outcome outcome = Outcome.READY;
        if (deletesEarly(i)) {
            Thread.sleep((long) (new Random(i).nextDouble() * earlyDeleteWithin.toMillis()));
            outcome = Outcome.EARLY;
        } else {
            try {
                tracker.ready(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Long seen = tracker.readySeenAt(name);
                if (seen != null) {
                    createToReady.add((seen - createdAt.get(name)) / 1000.0);
                }
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

    /**
     * A TestVM naming a template that does not exist: waits until it is Failed, then leaves it
     * standing (a failed TestVM nobody deletes must not hold a task slot) and frees its cycle slot.
     */
    private Outcome badCycle(int i) throws InterruptedException {
        String name = String.format(Locale.ROOT, "badtpl-%04d", i);
        TestVM testVM = workload.testVM(name, i);
        testVM.getSpec().setTemplate(MISSING_TEMPLATE);
        client.resource(testVM).create();
        standing.add(name);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (tracker.failures().containsKey(name)) {
                return Outcome.BAD_FAILED;
            }
            Thread.sleep(100);
        }
        return Outcome.BAD_NOT_FAILED;
    }

    /** Deletes the failed TestVMs left standing; returns how many were not gone within the timeout. */
    int deleteStanding() throws InterruptedException, ExecutionException {
        for (String name : standing) {
            client.resources(TestVM.class).inNamespace(workload.namespace()).withName(name).delete();
        }
        int notGone = 0;
        for (String name : standing) {
            try {
                tracker.gone(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                notGone++;
            }
        }
        return notGone;
    }

    /** Which cycles name a missing template: exactly {@code badTemplatePercent} of every 100, spread out. */
    private boolean namesBadTemplate(int i) {
        return (int) ((53L * i + 7) % 100) < badTemplatePercent;
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
