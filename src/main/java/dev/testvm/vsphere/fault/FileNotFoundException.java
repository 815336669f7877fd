package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/** vim25 fault {@code FileNotFound}: the guest (or datastore) file does not exist. */
public class FileNotFoundException extends VimFaultException {

    public FileNotFoundException(String faultMessage) {
        super("FileNotFound", faultMessage);
    }

    protected FileNotFoundException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
