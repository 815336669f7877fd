/**
 * The trust boundary between namespaces: what a VCenter resource allows (namespaces, clone sources,
 * placements, a per-namespace limit) checked against a TestVM before the operator makes any vCenter
 * call for it. Pure functions over {@code api} classes and inventory paths; may use {@code api} only.
 */
package dev.testvm.policy;
