package dev.testvm.vsphere.transfer;

/**
 * Why the VM's ESXi host would not serve a guest file. vim25 has no fault for these (the download
 * is plain HTTPS to the host), so the fault type names are ours; they are also the condition
 * reasons the user sees, so they must not change.
 */
public enum GuestFileHostFault {
    /** Refused, timed out, no route, name not resolvable. */
    UNREACHABLE("GuestFileHostUnreachable"),
    /** The host's certificate is not the one vCenter reports, or nothing vouches for it. */
    CERTIFICATE_REFUSED("GuestFileHostCertificateRefused");

    private final String faultType;

    GuestFileHostFault(String faultType) {
        this.faultType = faultType;
    }

    /** The name {@link GuestFileTransferException#faultType()} carries. */
    public String faultType() {
        return faultType;
    }
}
