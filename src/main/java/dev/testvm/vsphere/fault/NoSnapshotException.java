package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/**
 * A linked clone was asked of a source VM that has no snapshot (or not the named one). Raised by
 * this client before calling vCenter, because cloning anyway would silently make a full clone;
 * fault type {@code NoSnapshot} is therefore ours, not a vim25 type.
 */
public class NoSnapshotException extends VimFaultException {

    public NoSnapshotException(String message) {
        super("NoSnapshot", message);
    }
}
