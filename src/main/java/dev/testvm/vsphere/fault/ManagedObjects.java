package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** Small predicates over faults that callers branch on. */
public final class ManagedObjects {

    private ManagedObjects() {}

    /** The object (VM, task) no longer exists in vCenter. */
    public static boolean isNotFound(VimFaultException e) {
        return e instanceof ManagedObjectNotFoundException;
    }
}
