package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code InvalidState}: the operation is not allowed in the object's current state. */
public class InvalidStateException extends VimFaultException {

    public InvalidStateException(String faultMessage) {
        super("InvalidState", faultMessage);
    }

    protected InvalidStateException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
