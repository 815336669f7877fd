package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code TooManyGuestLogons}: the guest has too many open guest-operation sessions; it frees them as they expire. */
public class TooManyGuestLogonsException extends VimFaultException {

    public TooManyGuestLogonsException(String faultMessage) {
        super("TooManyGuestLogons", faultMessage);
    }
}
