/**
 * The pass and its ordered steps (pool claim, clone, power-on, IP, readiness, expiry), the deletion
 * the finalizer runs, the one task-in-flight mechanism ({@link dev.testvm.reconciler.steps.TaskInFlight})
 * and the per-TestVM memory ({@link dev.testvm.reconciler.steps.TestVMMemories}). Steps report facts
 * to {@code status} and never set the phase. May use {@code status}, {@code inventory}, {@code tasks},
 * {@code events}, {@code discovery}, {@code pool}, {@code vsphere} and {@code api}; used by the
 * reconciler (and {@code config}, which builds the one discovery bean, {@link
 * dev.testvm.reconciler.steps.GuestDiscovery}).
 */
package dev.testvm.reconciler.steps;
