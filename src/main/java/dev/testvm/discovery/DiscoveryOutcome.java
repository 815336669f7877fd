package dev.testvm.discovery;

import dev.testvm.vsphere.transfer.GuestFileHostFault;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one discovery step found out. Messages are meant for conditions and logs and never carry
 * the guest password.
 */
public sealed interface DiscoveryOutcome {

    /**
     * The TestVM's address is known.
     *
     * @param ip the chosen address, for {@code status.ip}
     * @param addresses every usable address the source reported, for {@code status.ipAddresses}
     */
    record Found(String ip, List<String> addresses, IpSource source) implements DiscoveryOutcome {
        public Found {
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(source, "source");
            addresses = addresses == null ? List.of(ip) : List.copyOf(addresses);
        }
    }

    /** Expected while the guest boots: ask again after {@code retryAfter}. */
    record NotYet(Duration retryAfter, String why) implements DiscoveryOutcome {
        public NotYet {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * The guest refused the credentials (InvalidGuestLogin, GuestPermissionDenied). They are not
     * tried again until their version changes, so a wrong password cannot lock the account out.
     */
    record CredentialsRejected(String message) implements DiscoveryOutcome {}

    /**
     * The command ran and failed, or did not finish in time.
     *
     * @param exitCode null when it timed out
     * @param firstLine the first non-blank line of its output, "" if none could be read
     */
    record CommandFailed(Integer exitCode, String firstLine, String message) implements DiscoveryOutcome {}

    /** vCenter refused a guest operation for a reason other than boot timing or credentials. */
    record GuestOperationsError(String faultType, String message) implements DiscoveryOutcome {}

    /**
     * The guest command ran, but the VM's ESXi host would not serve its output file: a channel
     * that needs vCenter only may still work.
     */
    record HostRefused(GuestFileHostFault fault, String message) implements DiscoveryOutcome {}

    /** The request cannot work as specified (e.g. guestOperations without credentials). */
    record Misconfigured(String reason, String message) implements DiscoveryOutcome {}
}
