package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code GuestOperationsUnavailable}: VMware Tools in the guest are not (yet) running; expected while a VM boots. */
public class GuestOperationsUnavailableException extends VimFaultException {

    public GuestOperationsUnavailableException(String faultMessage) {
        super("GuestOperationsUnavailable", faultMessage);
    }

    protected GuestOperationsUnavailableException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
