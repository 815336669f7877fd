/**
 * Where vSphere changes enter: {@link dev.testvm.reconciler.events.VSphereEventSource} turns each
 * vCenter watcher's property changes into reconcile events for every TestVM following the object,
 * keyed by (vCenter, moRef). May use {@code connection} and {@code vsphere}; used by the steps and the
 * reconciler.
 */
package dev.testvm.reconciler.events;
