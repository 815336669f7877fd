package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code GuestPermissionDenied}: the guest user may not do this. */
public class GuestPermissionDeniedException extends VimFaultException {

    public GuestPermissionDeniedException(String faultMessage) {
        super("GuestPermissionDenied", faultMessage);
    }

    protected GuestPermissionDeniedException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
