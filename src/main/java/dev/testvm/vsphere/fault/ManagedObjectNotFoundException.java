package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code ManagedObjectNotFound}: the object is gone (e.g. the VM was destroyed) or never existed. */
public class ManagedObjectNotFoundException extends VimFaultException {

    public ManagedObjectNotFoundException(String faultMessage) {
        super("ManagedObjectNotFound", faultMessage);
    }

    protected ManagedObjectNotFoundException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
