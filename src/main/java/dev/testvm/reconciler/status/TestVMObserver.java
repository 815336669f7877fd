package dev.testvm.reconciler.status;

import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;

/**
 * What the reconciler tells the outside about each TestVM: metrics and the phase-change log.
 * {@link #NOOP} for tests that build the reconciler by hand.
 */
public interface TestVMObserver {

    TestVMObserver NOOP = new TestVMObserver() {};

    /** After a reconcile: {@code before} is the phase the TestVM had when it started (null if new). */
    default void reconciled(TestVM testVM, Phase before) {}

    /** A problem reported in status; {@code terminal} ones end in phase Failed. */
    default void problem(TestVM testVM, String reason, boolean terminal) {}

    /**
     * A TestVM with spec.poolRef got its VM from the pool ({@code outcome} Claimed; {@code latency}
     * from creation to Ready) or found the pool empty and clones (Cloned; latency null).
     */
    default void claimed(TestVM testVM, String pool, String outcome, java.time.Duration latency) {}

    /** The finalizer removed the TestVM's VM; it is about to go away. */
    default void deleted(TestVM testVM) {}
}
