/**
 * VCenter resources: {@code VCenterReconciler} turns each one into an entry of the connection
 * registry ({@code reconciler.connection.VCenterRegistry}: credentials from its Secret in the operator's
 * namespace, TLS settings, default datacenter, task limit, rules) and reports in its status whether
 * the operator is logged in. The TestVM controller only reads the registry. May use {@code api},
 * {@code policy}, {@code vsphere} and the registry in {@code reconciler.connection}; nothing depends on this package
 * but {@code config}.
 */
package dev.testvm.vcenters;
