/**
 * The TestVM controller: {@link dev.testvm.reconciler.TestVMReconciler} runs one pass per event through
 * the ordered steps, records what the pass reported and patches status once. It wires the
 * sub-packages below and is used only by {@code dev.testvm.config} (the composition root) and by
 * {@code dev.testvm.metrics} / {@code dev.testvm.health} through the connection registry. Nothing in
 * the sub-packages depends on this package.
 */
package dev.testvm.reconciler;
