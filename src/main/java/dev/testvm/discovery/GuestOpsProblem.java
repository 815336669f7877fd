package dev.testvm.discovery;

import dev.testvm.vsphere.transfer.GuestFileHostFault;
import java.util.Objects;

/**
 * Why guest operations could not deliver, for a condition on the TestVM (e.g. IPAssigned=False
 * or a warning while Tools are used instead).
 *
 * @param reason a CamelCase condition reason, one of the constants below
 * @param message human-readable; names the Secret where credentials are at fault; never holds the password
 */
public record GuestOpsProblem(String reason, String message) {

    public static final String CREDENTIALS_REJECTED = "GuestCredentialsRejected";
    public static final String CREDENTIALS_MISSING = "GuestCredentialsMissing";
    public static final String COMMAND_FAILED = "GuestCommandFailed";
    public static final String OPERATIONS_ERROR = "GuestOperationsError";
    /** The ESXi host that serves guest files cannot be reached: the vCenter-only channel is used. */
    public static final String HOST_UNREACHABLE = "GuestFileHostUnreachable";
    /** The ESXi host's certificate is not trusted (differs from vCenter's report, or nothing vouches for it). */
    public static final String HOST_CERTIFICATE_REFUSED = "GuestFileHostCertificateRefused";

    public GuestOpsProblem {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /** The reason for an ESXi host that would not serve a guest file. */
    static String reasonFor(GuestFileHostFault fault) {
        return switch (fault) {
            case UNREACHABLE -> HOST_UNREACHABLE;
            case CERTIFICATE_REFUSED -> HOST_CERTIFICATE_REFUSED;
        };
    }
}
