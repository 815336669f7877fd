package dev.testvm.reconciler.steps;

import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.util.List;

/** The seam between the reconciler and the IP discovery strategies. */
public interface IpFinder {

    /**
     * One non-blocking discovery step.
     *
     * @param checked the NIC selection and address ranges, checked against vCenter
     * @return an IP (with all addresses and its source) or why not yet and when to ask again
     */
    Result find(Pass pass, MoRef vm, VmInfo info, IpDiscoverySpec spec, IpDiscoveryCheck.Checked checked);

    /** Drops per-TestVM discovery state. */
    void forget(String uid);

    /** A guest-operations problem worth a condition even while Tools may still deliver the IP. */
    record GuestProblem(String reason, String message) {}

    record Result(String ip, List<String> addresses, String source, String guestOS, String reason, String message,
            Duration retryAfter, GuestProblem problem) {

        public static Result found(String ip, List<String> addresses, String source, String guestOS) {
            return new Result(ip, addresses, source, guestOS, null, null, null, null);
        }

        public static Result notYet(String reason, String message, Duration retryAfter, String guestOS) {
            return new Result(null, List.of(), null, guestOS, reason, message, retryAfter, null);
        }

        Result withProblem(GuestProblem guestProblem) {
            return new Result(ip, addresses, source, guestOS, reason, message, retryAfter, guestProblem);
        }
    }
}
