package dev.testvm.vsphere;

public enum CloneType {
    FULL,
    /** Child disk backing on a snapshot of the source; never silently degraded to a full clone. */
    LINKED,
    /** {@code InstantClone_Task} from a running source VM. */
    INSTANT
}
