package dev.testvm.discovery;

/** Which mechanism produced {@code status.ip}. */
public enum IpSource {
    TOOLS("Tools"),
    GUEST_OPERATIONS("GuestOperations");

    private final String statusValue;

    IpSource(String statusValue) {
        this.statusValue = statusValue;
    }

    /** The value for {@code status.ipSource}. */
    public String statusValue() {
        return statusValue;
    }
}
