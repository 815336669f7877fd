package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.VimFaultException;

/**
 * A guest file could not be fetched from the ESXi host vCenter's transfer URL names, although
 * vCenter itself answered. Not a vCenter outage: the caller may use a channel that needs vCenter
 * only.
 *
 * <p>Fault types: {@value #HOST_UNREACHABLE} (refused, timed out, no route, name not resolvable)
 * and {@value #HOST_CERTIFICATE_REFUSED} (the host's certificate is not the one vCenter reports,
 * or nothing vouches for it).
 */
public class GuestFileTransferException extends VimFaultException {

    public static final String HOST_UNREACHABLE = "GuestFileHostUnreachable";
    public static final String HOST_CERTIFICATE_REFUSED = "GuestFileHostCertificateRefused";

    private final String hostName;
    private final String address;
    private final int port;

    public GuestFileTransferException(String faultType, String hostName, String address, int port, String message) {
        super(faultType, message);
        this.hostName = hostName;
        this.address = address;
        this.port = port;
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
