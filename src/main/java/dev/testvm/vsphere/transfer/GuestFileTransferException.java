package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.VimFaultException;

/**
 * A guest file could not be fetched from the ESXi host vCenter's transfer URL names, although
 * vCenter itself answered. Not a vCenter outage: the caller may use a channel that needs vCenter
 * only.
 *
 * <p>Callers branch on {@link #hostFault()}; {@link #faultType()} is its name, for conditions and logs.
 */
public class GuestFileTransferException extends VimFaultException {

    private final GuestFileHostFault hostFault;
    private final String hostName;
    private final String address;
    private final int port;

    public GuestFileTransferException(GuestFileHostFault hostFault, String hostName, String address, int port, String message) {
        super(hostFault.faultType(), message);
        this.hostFault = hostFault;
        this.hostName = hostName;
        this.address = address;
        this.port = port;
    }

    /** Why the host would not serve the file. */
    public GuestFileHostFault hostFault() {
        return hostFault;
    }

    /** The host's inventory name. */
    public String hostName() {
        return hostName;
    }

    /** The address the download connected to (a management IP or the name itself). */
    public String address() {
        return address;
    }

    public int port() {
        return port;
    }
}
