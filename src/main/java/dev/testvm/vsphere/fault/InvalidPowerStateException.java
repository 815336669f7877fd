package dev.testvm.vsphere.fault;

/** vim25 fault {@code InvalidPowerState}: the VM's power state forbids the operation (a subtype of InvalidState in vim25 too). */
public class InvalidPowerStateException extends InvalidStateException {

    public InvalidPowerStateException(String faultMessage) {
        super("InvalidPowerState", faultMessage);
    }

    protected InvalidPowerStateException(String faultType, String faultMessage) {
        super(faultType, faultMessage);
    }
}
