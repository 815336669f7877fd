/**
 * What the user sees: {@link dev.testvm.reconciler.status.StatusReport}, the one writer of conditions
 * and phase, condition reasons, {@link dev.testvm.reconciler.status.TestVMProblem}, milestones,
 * Kubernetes events and the observer that metrics implement. Depends on {@code api} only; anything in
 * the reconciler may use it.
 */
package dev.testvm.reconciler.status;
