package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code DuplicateName}: an entity with that name already exists in the folder. */
public class DuplicateNameException extends VimFaultException {

    public DuplicateNameException(String faultMessage) {
        super("DuplicateName", faultMessage);
    }

    protected DuplicateNameException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
