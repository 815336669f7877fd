/**
 * The orphan sweeper: destroys VMs carrying this cluster's identity and a UID no TestVM has. May use
 * {@code inventory}, {@code connection}, {@code vsphere}, {@code api}; scheduled by {@code config}.
 */
package dev.testvm.reconciler.sweeper;
