package dev.testvm.pool;

import dev.testvm.api.TestVMPool;
import java.time.Duration;

/** What the pool reconciler tells the outside (metrics). {@link #NOOP} where nobody listens. */
public interface PoolObserver {

    PoolObserver NOOP = new PoolObserver() {};

    /** The pool's VMs by state after a reconcile. */
    default void counted(TestVMPool pool, int ready, int starting, int claimed) {}

    /** A pool VM became Ready {@code took} after its TestVM was created. */
    default void refilled(TestVMPool pool, Duration took) {}

    /** The pool is gone. */
    default void removed(String namespace, String name) {}
}
