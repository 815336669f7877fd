package dev.testvm.reconciler.tasks;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The line of TestVMs waiting for a vCenter task slot, served first come, first served.
 *
 * <p>Order: teardown (power-off / destroy of a deleted TestVM) before setup (clone / power-on),
 * because a teardown frees vCenter resources and must not starve behind a burst of clones; within
 * each, by ticket. A TestVM draws its ticket the first time it ever asks for a slot and keeps it
 * until {@link #forget} (the TestVM is gone), so its power-on ranks by when it first asked for its
 * clone: earlier TestVMs are finished before later ones are started, and a waiter that drops out
 * for a pass (e.g. vCenter unreachable) comes back at its old place.
 * A warm pool's own TestVMs (refills, {@link #background}) draw tickets behind every other
 * TestVM's, so a TestVM someone waits for is never queued behind a pool refill.
 *
 * <p>With N slots free, the first N waiters may take one ({@link #request}) and are woken; the
 * ones behind them wait for a slot to free up or for someone ahead to leave. Admitting only the
 * very first waiter kept starts in strict line order but left slots idle while each head did its
 * look-ups (hack/bench-scale.sh: at most 5 of 8 slots busy); within one batch of N, starts may
 * race, across batches the line holds. A TestVM that is not waiting takes a free slot at once
 * if nobody waits ahead of it.
 *
 * <p>Thread-safe. The free-slot count is read under the queue's lock and the wake-up after a slot
 * frees takes the same lock, so a waiter either sees the free slot or is in line when the wake-up
 * looks for whom to wake: no wake-up is lost.
 */
public final class TaskSlotQueue {

    /** The answer to a request: admitted, or waiting at {@code position} (1-based) of {@code waiting}. */
    record Turn(boolean admitted, int position, int waiting) {}

    private record Waiter(String uid, ResourceID id, boolean teardown, long ticket) {}

    private static final Comparator<Waiter> ORDER = Comparator.comparing((Waiter w) -> !w.teardown())
            .thenComparingLong(Waiter::ticket)
            .thenComparing(Waiter::uid);

    private final IntSupplier freeSlots;
    private final Consumer<ResourceID> wake;
    private final Map<String, Long> tickets = new HashMap<>();
    private final Map<String, Waiter> waitingByUid = new HashMap<>();
    private final TreeSet<Waiter> line = new TreeSet<>(ORDER);
    private long nextTicket;
    /** TestVMs that only refill a warm pool: their setup tickets rank after every other TestVM's. */
    private final java.util.Set<String> background = new java.util.HashSet<>();
    /** Added to a background TestVM's ticket: on-demand clones are served before pool refills. */
    private static final long BACKGROUND_OFFSET = Long.MAX_VALUE / 2;

    /**
     * @param freeSlots task slots free right now (read under the queue's lock)
     * @param wake      asks the reconciler to run for a TestVM (it must not call back into the queue synchronously)
     */
    public TaskSlotQueue(IntSupplier freeSlots, Consumer<ResourceID> wake) {
        this.freeSlots = freeSlots;
        this.wake = wake;
    }

    /**
     * A TestVM asks for a slot. Admitted when a slot is free and no waiter ranks before it; the
     * caller then starts its task and reports {@link #started} (or {@link #refused} if the start
     * was refused after all). Otherwise the TestVM is in line until it starts, leaves or is forgotten.
     */
    synchronized Turn request(String uid, ResourceID id, boolean teardown) {
        Waiter me = enter(uid, id, teardown);
        int position = line.headSet(me, true).size();
        if (position <= freeSlots.getAsInt()) {
            return new Turn(true, 0, line.size());
        }
        return new Turn(false, position, line.size());
    }

    /** The admitted TestVM's task was started: it leaves the line and the next waiter gets its turn. */
    void started(String uid) {
        leave(uid);
    }

    /** The admitted TestVM's start was refused (the slot went elsewhere): it stays first in line. */
    synchronized Turn refused(String uid, ResourceID id, boolean teardown) {
        Waiter me = enter(uid, id, teardown);
        return new Turn(false, line.headSet(me, true).size(), line.size());
    }

    /** The TestVM no longer waits (it needed no slot in its last pass, or failed); its ticket stays. */
    public void leave(String uid) {
        List<ResourceID> next;
        synchronized (this) {
            Waiter gone = waitingByUid.remove(uid);
            if (gone == null) {
                return;
            }
            line.remove(gone);
            next = waitersWithAFreeSlot();
        }
        next.forEach(wake);
    }

    /** The TestVM is gone: out of the line and its ticket dropped. */
    public void forget(String uid) {
        leave(uid);
        synchronized (this) {
            tickets.remove(uid);
            background.remove(uid);
        }
    }

    /** A task slot freed up: wake the waiters it admits. */
    public void slotFreed() {
        List<ResourceID> next;
        synchronized (this) {
            next = waitersWithAFreeSlot();
        }
        next.forEach(wake);
    }

    /** Whether the TestVM holds a ticket (it asked for a slot and is not forgotten). */
    public synchronized boolean hasTicket(String uid) {
        return tickets.containsKey(uid);
    }

    public synchronized int waiting() {
        return line.size();
    }

    /** 1-based position of a waiting TestVM. */
    public synchronized Optional<Integer> position(String uid) {
        Waiter w = waitingByUid.get(uid);
        return w == null ? Optional.empty() : Optional.of(line.headSet(w, true).size());
    }

    /**
     * Marks a pool's own TestVM (a refill): it waits behind every TestVM someone is waiting for.
     * Call before its first request; forgotten with {@link #forget}.
     */
    public synchronized void background(String uid) {
        background.add(uid);
    }

    private Waiter enter(String uid, ResourceID id, boolean teardown) {
        long ticket = tickets.computeIfAbsent(uid, u -> background.contains(u) ? BACKGROUND_OFFSET + nextTicket++ : nextTicket++);
        Waiter existing = waitingByUid.get(uid);
        if (existing != null && existing.teardown() == teardown) {
            return existing;
        }
        if (existing != null) {
            line.remove(existing);
        }
        Waiter me = new Waiter(uid, id, teardown, ticket);
        waitingByUid.put(uid, me);
        line.add(me);
        return me;
    }

    /** The first waiters, as many as slots are free (a waiter woken twice just runs one more pass). */
    private List<ResourceID> waitersWithAFreeSlot() {
        int free = freeSlots.getAsInt();
        return line.stream().limit(Math.max(free, 0)).map(Waiter::id).toList();
    }
}
