/**
 * Finding things in a vCenter's inventory for a TestVM: placement paths to moRefs, the VM that
 * carries a TestVM's UID, this cluster's identity on VMs, VM names. May use {@code status},
 * {@code tasks}, {@code vsphere}, {@code api}, {@code policy}; used by the steps and the sweeper.
 */
package dev.testvm.reconciler.inventory;
