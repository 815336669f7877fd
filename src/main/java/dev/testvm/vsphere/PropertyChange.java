package dev.testvm.vsphere;

import java.util.Set;

/** Some watched properties of {@code object} changed (or the object went away). */
public record PropertyChange(MoRef object, Set<String> changedPaths, boolean removed) {}
