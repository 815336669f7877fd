package dev.testvm.vsphere;

/**
 * A SOAP fault or task error from vCenter, carrying the vim25 fault type (e.g.
 * {@code InvalidGuestLogin}) and vCenter's own message. Subclasses exist for the types callers
 * branch on; others arrive as this class with {@link #faultType()} set.
 */
public class VimFaultException extends RuntimeException {

    private final String faultType;
    private final String faultMessage;

    public VimFaultException(String faultType, String faultMessage) {
        super(faultType + (faultMessage == null || faultMessage.isBlank() ? "" : ": " + faultMessage));
        this.faultType = faultType;
        this.faultMessage = faultMessage;
    }

    public String faultType() {
        return faultType;
    }

    public String faultMessage() {
        return faultMessage;
    }
}
