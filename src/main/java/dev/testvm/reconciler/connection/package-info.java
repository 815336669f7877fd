/**
 * The connection registry: one {@link dev.testvm.reconciler.connection.VCenterConnection} per
 * vCenter (session, watcher, task line, default datacenter) and the choice of a TestVM's vCenter.
 * Anything per vCenter hangs off it. May use {@code tasks}, {@code status}, {@code vsphere}, {@code api};
 * used by the reconciler, the event source, the sweeper, {@code config}, {@code metrics}, {@code health}.
 */
package dev.testvm.reconciler.connection;
