package dev.testvm.api;

/** The condition types of {@code status.conditions}. Ready=True means {@code status.ip} is set. */
public final class ConditionTypes {

    public static final String CLONED = "Cloned";
    public static final String POWERED_ON = "PoweredOn";
    public static final String TOOLS_RUNNING = "ToolsRunning";
    public static final String IP_ASSIGNED = "IPAssigned";
    public static final String READY = "Ready";
    /** spec.readiness: True once every check passed; the reason and last command output line say why not. */
    public static final String GUEST_READY = "GuestReady";
    /** False while guest operations fail (rejected credentials, failing command); discovery falls back to Tools. */
    public static final String GUEST_OPERATIONS = "GuestOperations";
    /** Terminal: a pipeline waiting for Ready can stop waiting when this is True. */
    public static final String FAILED = "Failed";

    private ConditionTypes() {}
}
