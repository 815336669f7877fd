/**
 * The task-slot line: each vCenter's fair queue of TestVMs waiting for a task slot
 * ({@link dev.testvm.reconciler.tasks.TaskSlotQueue}), the vCenter view of one pass that takes the
 * TestVM's turn before every task start ({@link dev.testvm.reconciler.tasks.QueuedTaskStarts}) and the
 * event source that wakes the next waiter. Depends on {@code vsphere} and {@code api} only.
 */
package dev.testvm.reconciler.tasks;
