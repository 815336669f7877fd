package dev.testvm.reconciler.status;

/** Condition reasons users can search the README's troubleshooting table for. */
public final class Reasons {

    public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";
    public static final String SNAPSHOT_NOT_FOUND = "SnapshotNotFound";
    public static final String PLACEMENT_NOT_FOUND = "PlacementNotFound";
    public static final String CLONE_FAILED = "CloneFailed";
    public static final String POWER_ON_FAILED = "PowerOnFailed";
    public static final String POWER_ON_DISABLED = "PowerOnDisabled";
    public static final String VM_NOT_FOUND = "VMNotFound";
    public static final String VCENTER_UNREACHABLE = "VCenterUnreachable";
    public static final String VCENTER_LOGIN_FAILED = "VCenterLoginFailed";
    public static final String VCENTER_ERROR = "VCenterError";
    /** spec.vcenter names no VCenter this operator serves, or none is named, marked default or configured. */
    public static final String VCENTER_NOT_FOUND = "VCenterNotFound";
    /** A VCenter's rules refuse the TestVM (namespace, source, placement, limit); the message names field and rule. */
    public static final String NOT_ALLOWED = "NotAllowed";
    public static final String SECRET_NOT_FOUND = "GuestCredentialsSecretNotFound";
    public static final String SECRET_KEY_MISSING = "GuestCredentialsKeyMissing";
    public static final String GUEST_CREDENTIALS_REJECTED = "GuestCredentialsRejected";
    public static final String GUEST_COMMAND_FAILED = "GuestCommandFailed";
    public static final String IP_DISCOVERY_TIMEOUT = "IPDiscoveryTimeout";
    public static final String WAITING_FOR_IP = "WaitingForIP";
    /** spec.ipDiscovery.network names no network, or none of the VM's NICs is on it. */
    public static final String NETWORK_NOT_FOUND = "NetworkNotFound";
    /** spec.ipDiscovery.nicIndex is beyond the VM's NICs. */
    public static final String NIC_NOT_FOUND = "NICNotFound";
    public static final String INVALID_CIDR = "InvalidCIDR";
    /** An address was found; it must stay the same for spec.ipDiscovery.settle. */
    public static final String IP_SETTLING = "IPSettling";
    /** Family IPv4, but the guest has had only IPv6 addresses for a minute (see Ipv6OnlyGuest). */
    public static final String NO_IPV4_ADDRESS = "NoIPv4Address";
    public static final String CLONING = "Cloning";
    public static final String POWERING_ON = "PoweringOn";
    public static final String IP_FOUND = "IPFound";
    /** The IP is known; spec.readiness checks have not all passed yet. */
    public static final String GUEST_NOT_READY = "GuestNotReady";
    public static final String GUEST_READY = "GuestReady";
    public static final String GUEST_READINESS_TIMEOUT = "GuestReadinessTimeout";
    public static final String CLOUD_INIT_SECRET_NOT_FOUND = "CloudInitSecretNotFound";
    /** spec.cloudInit data beyond what vSphere passes through guestinfo. */
    public static final String CLOUD_INIT_TOO_LARGE = "CloudInitTooLarge";
    /** spec.readiness.command without spec.guest.credentialsSecretRef. */
    public static final String READINESS_MISCONFIGURED = "ReadinessMisconfigured";
    /** Not a failure: the operator's bound on concurrent vCenter tasks is reached; retried shortly. */
    public static final String WAITING_FOR_CAPACITY = "WaitingForCapacity";
    /** A spec value the schema could not refuse but vCenter cannot take; the message names the field. */
    public static final String INVALID_SPEC = "InvalidSpec";
    /** An exception the operator did not expect; retried with backoff, details in the operator log. */
    public static final String RECONCILE_ERROR = "ReconcileError";
    public static final String CLUSTER_IDENTITY_UNKNOWN = "ClusterIdentityUnknown";

    private Reasons() {}
}
