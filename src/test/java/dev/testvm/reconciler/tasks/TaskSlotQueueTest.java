package dev.testvm.reconciler.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskSlotQueueTest {

    private final AtomicInteger free = new AtomicInteger();
    private final List<String> woken = new CopyOnWriteArrayList<>();
    private final TaskSlotQueue queue = new TaskSlotQueue(free::get, id -> woken.add(id.getName()));

    private TaskSlotQueue.Turn setup(String name) {
        return queue.request(name, new ResourceID(name, "ns"), false);
    }

    @Test
    void waitersAreServedInTheOrderTheyFirstAsked() {
        assertThat(setup("a")).isEqualTo(new TaskSlotQueue.Turn(false, 1, 1));
        assertThat(setup("b")).isEqualTo(new TaskSlotQueue.Turn(false, 2, 2));
        assertThat(setup("c")).isEqualTo(new TaskSlotQueue.Turn(false, 3, 3));
        assertThat(setup("b").position()).as("asking again keeps the place").isEqualTo(2);

        free.set(2);
        queue.slotFreed();
        assertThat(woken).as("two free slots: the first two waiters").containsExactly("a", "b");
        assertThat(setup("c").admitted()).as("two free slots do not let c pass a and b").isFalse();
        assertThat(setup("b").admitted()).isTrue();
        assertThat(setup("a").admitted()).isTrue();

        free.decrementAndGet();
        queue.started("a");
        assertThat(woken).as("one slot left, b is first now").containsExactly("a", "b", "b");
        free.decrementAndGet();
        queue.started("b");
        assertThat(woken).as("no slot left for c").containsExactly("a", "b", "b");
        assertThat(queue.position("c")).contains(1);
        assertThat(setup("c").admitted()).isFalse();
        free.set(1);
        queue.slotFreed();
        assertThat(woken).containsExactly("a", "b", "b", "c");
        assertThat(setup("c").admitted()).isTrue();
    }

    @Test
    void poolRefillsWaitBehindTestVMsThatAskedLater() {
        queue.background("refill");
        assertThat(setup("refill")).isEqualTo(new TaskSlotQueue.Turn(false, 1, 1));
        assertThat(setup("user")).as("asked later, served first").isEqualTo(new TaskSlotQueue.Turn(false, 1, 2));
        assertThat(queue.position("refill")).contains(2);
        free.set(1);
        queue.slotFreed();
        assertThat(woken).containsExactly("user");
        assertThat(setup("refill").admitted()).isFalse();
        assertThat(setup("user").admitted()).isTrue();
        queue.forget("refill");
        assertThat(queue.position("refill")).isEmpty();
    }

    @Test
    void aNewcomerTakesAFreeSlotOnlyWhenNobodyWaits() {
        free.set(1);
        assertThat(setup("a").admitted()).isTrue();
        queue.started("a");
        assertThat(queue.waiting()).isZero();

        free.set(0);
        assertThat(setup("b").admitted()).isFalse();
        free.set(1);
        assertThat(setup("c")).as("b waits ahead of the newcomer").isEqualTo(new TaskSlotQueue.Turn(false, 2, 2));
    }

    @Test
    void aTestVmKeepsItsTicketForItsNextTaskAndWhenItDropsOutForAPass() {
        free.set(1);
        assertThat(setup("a").admitted()).isTrue(); // a's clone
        queue.started("a");
        free.set(0);
        setup("b");
        setup("c");
        // a's power-on ranks by when a first asked: before b and c, who asked later.
        assertThat(setup("a")).isEqualTo(new TaskSlotQueue.Turn(false, 1, 3));
        queue.leave("b"); // e.g. vCenter unreachable during b's pass
        assertThat(setup("c").position()).isEqualTo(2);
        assertThat(setup("b").position()).as("b comes back at its old place").isEqualTo(2);
        assertThat(queue.position("c")).contains(3);
    }

    @Test
    void teardownGoesBeforeSetup() {
        setup("a");
        setup("b");
        TaskSlotQueue.Turn destroy = queue.request("z", new ResourceID("z", "ns"), true);
        assertThat(destroy).isEqualTo(new TaskSlotQueue.Turn(false, 1, 3));
        free.set(1);
        assertThat(setup("a").admitted()).isFalse();
        assertThat(queue.request("z", new ResourceID("z", "ns"), true).admitted()).isTrue();
    }

    @Test
    void aDeletedTestVmLeavesTheLineAndTheNextWaiterIsWoken() {
        setup("a");
        setup("b");
        setup("c");
        queue.forget("b");
        assertThat(queue.position("c")).contains(2);
        assertThat(woken).as("no slot free: nobody to wake").isEmpty();

        free.set(1);
        queue.forget("a");
        assertThat(woken).containsExactly("c");
        assertThat(setup("c").admitted()).isTrue();
        queue.forget("c");
        assertThat(queue.waiting()).isZero();
        assertThat(setup("a").position()).as("a forgotten TestVM draws a new ticket").isEqualTo(0);
    }

    /**
     * The race a fair queue must not lose: a slot frees up (on the watcher's thread) while a
     * TestVM is between reading "no slot free" and joining the line. The release here happens
     * exactly then; the TestVM must still be woken.
     */
    @Test
    void aSlotFreedWhileATestVmJoinsTheLineWakesIt() throws Exception {
        AtomicInteger slots = new AtomicInteger(0);
        List<String> wakes = new CopyOnWriteArrayList<>();
        Thread[] release = new Thread[1];
        TaskSlotQueue[] q = new TaskSlotQueue[1];
        q[0] = new TaskSlotQueue(() -> {
            int seen = slots.get();
            if (release[0] == null) {
                release[0] = new Thread(() -> {
                    slots.set(1);
                    q[0].slotFreed();
                });
                release[0].start();
                try {
                    release[0].join(300); // a correct queue keeps the release waiting for its lock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return seen;
        }, id -> wakes.add(id.getName()));

        assertThat(q[0].request("a", new ResourceID("a", "ns"), false).admitted()).isFalse();
        release[0].join(10_000);
        assertThat(wakes).containsExactly("a");
    }

    /**
     * Many TestVMs on many threads share 3 slots; a waiter that is not admitted blocks until it is
     * woken (there is no timer). If a wake-up were lost, a waiter would block forever.
     */
    @Test
    void noWakeUpIsLostUnderConcurrency() throws Exception {
        int slots = 3;
        int testVMs = 40;
        int tasksEach = 5;
        AtomicInteger freeSlots = new AtomicInteger(slots);
        AtomicInteger peak = new AtomicInteger();
        Map<String, Semaphore> wakeUps = new ConcurrentHashMap<>();
        TaskSlotQueue shared = new TaskSlotQueue(freeSlots::get,
                id -> wakeUps.computeIfAbsent(id.getName(), n -> new Semaphore(0)).release());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < testVMs; i++) {
                String name = "vm-" + i;
                done.add(pool.submit(() -> {
                    Semaphore wake = wakeUps.computeIfAbsent(name, n -> new Semaphore(0));
                    for (int task = 0; task < tasksEach; task++) {
                        while (true) {
                            if (shared.request(name, new ResourceID(name, "ns"), false).admitted()) {
                                int left = freeSlots.decrementAndGet();
                                if (left >= 0) {
                                    peak.accumulateAndGet(slots - left, Math::max);
                                    shared.started(name);
                                    break;
                                }
                                freeSlots.incrementAndGet(); // lost the slot to another start: as TaskLimiter refuses
                                shared.refused(name, new ResourceID(name, "ns"), false);
                                shared.slotFreed();
                            }
                            if (!wake.tryAcquire(30, TimeUnit.SECONDS)) {
                                throw new AssertionError(name + " was never woken");
                            }
                        }
                        Thread.yield(); // the task runs
                        freeSlots.incrementAndGet();
                        shared.slotFreed();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.waiting()).isZero();
        assertThat(peak.get()).isLessThanOrEqualTo(slots);
    }
}
