package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code TaskInProgress}: another task holds the object. */
public class TaskInProgressException extends VimFaultException {

    public TaskInProgressException(String faultMessage) {
        super("TaskInProgress", faultMessage);
    }

    protected TaskInProgressException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
