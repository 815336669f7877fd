package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code NotAuthenticated}: the session is not (or no longer) logged in; the client logs in again and retries once. */
public class NotAuthenticatedException extends VimFaultException {

    public NotAuthenticatedException(String faultMessage) {
        super("NotAuthenticated", faultMessage);
    }

    protected NotAuthenticatedException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
