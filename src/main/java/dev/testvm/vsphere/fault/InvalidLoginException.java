package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code InvalidLogin}: vCenter refused the user name or password. */
public class InvalidLoginException extends VimFaultException {

    public InvalidLoginException(String faultMessage) {
        super("InvalidLogin", faultMessage);
    }

    protected InvalidLoginException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
