package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code NoPermission}: vCenter refused the operation to the operator's user (a missing privilege). */
public class NoPermissionException extends VimFaultException {

    public NoPermissionException(String faultMessage) {
        super("NoPermission", faultMessage);
    }
}
