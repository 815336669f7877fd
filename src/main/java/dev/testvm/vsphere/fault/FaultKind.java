package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import java.util.Map;

/**
 * What a vCenter fault says about retrying. The table is docs/reliability.md's "vCenter faults"
 * table; {@code FaultKindTest} and {@code CloneFaultsTest} prove each row.
 *
 * <ul>
 *   <li>{@link #TRANSIENT}: vCenter or a host was busy, restarting or briefly unreachable; the
 *       same call may well succeed later. Retried with backoff, never the end of a TestVM.
 *   <li>{@link #REQUEST}: the fault names something the caller asked for (a name, path,
 *       argument, permission). Retrying cannot help: a clone refused this way fails the TestVM.
 *   <li>{@link #OTHER}: anything else. A call answered with it is retried (it says nothing
 *       about the user's input); a task that ends with it keeps the step's own policy.
 * </ul>
 */
public enum FaultKind {
    TRANSIENT, REQUEST, OTHER;

    /** Every fault type with a decided kind; others are {@link #OTHER}. */
    public static final Map<String, FaultKind> KNOWN = Map.ofEntries(
            Map.entry("SystemError", TRANSIENT),
            Map.entry("HostCommunication", TRANSIENT),
            Map.entry("HostNotConnected", TRANSIENT),
            Map.entry("HostNotReachable", TRANSIENT),
            Map.entry("NotAuthenticated", TRANSIENT),
            Map.entry("Timedout", TRANSIENT),
            Map.entry("RequestCanceled", TRANSIENT),
            Map.entry("TaskInProgress", TRANSIENT),
            Map.entry("ConcurrentAccess", TRANSIENT),
            Map.entry("InvalidState", TRANSIENT),
            Map.entry("ResourceInUse", TRANSIENT),
            Map.entry("InvalidArgument", REQUEST),
            Map.entry("InvalidName", REQUEST),
            Map.entry("DuplicateName", REQUEST),
            Map.entry("NoPermission", REQUEST),
            Map.entry("FileNotFound", REQUEST),
            Map.entry("ManagedObjectNotFound", REQUEST),
            Map.entry("InvalidDatastore", REQUEST),
            Map.entry("NotSupported", REQUEST),
            Map.entry("InvalidLogin", REQUEST));

    /** The kind of any failure of a vCenter call: unreachable (HTTP 5xx, timeouts, resets) and our own task limit are transient. */
    public static FaultKind of(RuntimeException failure) {
        if (failure instanceof VCenterUnreachableException || failure instanceof TaskCapacityExceededException) {
            return TRANSIENT;
        }
        if (failure instanceof VimFaultException fault) {
            return KNOWN.getOrDefault(fault.faultType(), OTHER);
        }
        return OTHER;
    }
}
