package dev.testvm.vsphere.session;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

/**
 * Bounds the vCenter tasks this connection keeps in flight.
 *
 * <p>"In flight" means: from the moment we ask vCenter to start the task until this client has
 * seen the task finished (success or error), through the watcher or a {@code taskInfo} read, or
 * has seen it vanish. Starting a task when the bound is reached does not block (the operator
 * never blocks a reconciler thread on vSphere): it throws {@link TaskCapacityExceededException}
 * before anything is sent.
 */
public final class TaskLimiter {

    private final int limit;
    private final Semaphore permits;
    private final Set<MoRef> running = ConcurrentHashMap.newKeySet();
    private final List<Runnable> releaseListeners = new CopyOnWriteArrayList<>();

    public TaskLimiter(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Takes a permit for a task about to be started; give it back with {@link #abandon} if starting fails. */
    public void acquire() {
        if (!permits.tryAcquire()) {
            throw new TaskCapacityExceededException(limit);
        }
    }

    public void abandon() {
        release();
    }

    /** The task was started: its permit is now held until {@link #finished(MoRef)}. */
    public void started(MoRef task) {
        running.add(task);
    }

    /** Idempotent: releases the task's permit the first time it is reported done or gone. */
    public boolean finished(MoRef task) {
        if (running.remove(task)) {
            release();
            return true;
        }
        return false;
    }

    public int inFlight() {
        return limit - permits.availablePermits();
    }

    public int limit() {
        return limit;
    }

    /** {@code listener} runs after every release, once the permit is available again (fair admission wakes its next waiter). */
    public void onRelease(Runnable listener) {
        releaseListeners.add(listener);
    }

    private void release() {
        permits.release();
        for (Runnable listener : releaseListeners) {
            listener.run();
        }
    }

}
