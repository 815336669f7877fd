package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code InvalidGuestLogin}: the guest refused the credentials; do not retry in a loop (account lockout). */
public class InvalidGuestLoginException extends VimFaultException {

    public InvalidGuestLoginException(String faultMessage) {
        super("InvalidGuestLogin", faultMessage);
    }

    protected InvalidGuestLoginException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
