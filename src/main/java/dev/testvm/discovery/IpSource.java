package dev.testvm.discovery;

/** Which mechanism produced {@code status.ip}. */
public enum IpSource {
    /** VMware Tools published it on their own poll. */
    TOOLS("Tools"),
    /** The guest command's output, downloaded from the VM's ESXi host. */
    GUEST_OPERATIONS("GuestOperations"),
    /**
     * The vCenter-only channel: the ESXi host could not be used for the download, so a guest
     * command made VMware Tools publish the guest's network at once ({@code vmware-toolbox-cmd
     * info update network}) and the address arrived through vCenter.
     */
    GUEST_OPERATIONS_VIA_TOOLS("GuestOperationsViaTools");

    private final String statusValue;

    IpSource(String statusValue) {
        this.statusValue = statusValue;
    }

    /** The value for {@code status.ipSource}. */
    public String statusValue() {
        return statusValue;
    }
}
