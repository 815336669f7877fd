package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Durations;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.Phase;
import dev.testvm.api.ReadinessSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** WaitingForIP: asks the discovery strategies for the guest's IP and records the first valid one. */
public final class IpStep {

    /** While an address settles, discovery is asked again this often, so a change is seen. */
    private static final Duration SETTLE_RECHECK = Duration.ofMillis(500);

    private final VSphereEventSource events;
    private final KubeEvents kubeEvents;
    private final IpFinder finder;
    private final IpDiscoveryCheck check;
    private final IpSettle settle = new IpSettle();
    private final Ipv6OnlyGuest ipv6Only = new Ipv6OnlyGuest();

    public IpStep(VSphereEventSource events, KubeEvents kubeEvents, IpFinder finder, PlacementResolver placement) {
        this.events = events;
        this.kubeEvents = kubeEvents;
        this.finder = finder;
        this.check = new IpDiscoveryCheck(placement);
    }

    /** The discovery behind this step (its attempts in flight are forgotten with the TestVM). */
    public IpFinder finder() {
        return finder;
    }

    /** Discovery done or given up: its attempts in flight and the settling address go. */
    private void forget(Pass pass) {
        finder.forget(pass.uid());
        pass.memory().ipDiscoveryChecked = null;
        settle.forget(pass.memory());
        ipv6Only.forget(pass.memory());
    }

    public StepResult run(Pass pass) {
        TestVM testVM = pass.testVM();
        TestVMStatus status = pass.status();
        MoRef vm = MoRef.parse(status.getVm().getMoRef());
        if (status.getIp() != null && (Conditions.isTrue(status, ConditionTypes.READY)
                || Conditions.isTrue(status, ConditionTypes.IP_ASSIGNED))) {
            // A Ready VM stays followed (costs nothing until it changes): a VM destroyed outside the
            // operator is reported by the watcher, and becomes VMNotFound without a vCenter read.
            if (events.reportedGone(vm, pass.id())) {
                throw VmLookup.notFound(pass, vm);
            }
            events.follow(vm, pass.id());
            return StepResult.PROCEED;
        }
        events.follow(vm, pass.id());
        if (status.getPhase() != Phase.WaitingForIP) {
            kubeEvents.normal(testVM, "WaitingForIP", "VM powered on; discovering its IP");
        }
        VmInfo info = VmLookup.read(pass, vm);
        recordTools(pass, info);

        IpDiscoverySpec discovery = testVM.getSpec().getIpDiscovery() == null ? new IpDiscoverySpec() : testVM.getSpec().getIpDiscovery();
        failOnTimeout(pass, discovery);
        IpDiscoveryCheck.Checked checked = check.check(pass, info, discovery);
        IpFinder.Result result = finder.find(pass, vm, info, discovery, checked);
        if (result.guestOS() != null) {
            status.setGuestOS(result.guestOS());
        }
        recordGuestOperations(pass, result);
        return result.ip() == null ? notYet(pass, discovery, info, result) : settleThenRecord(pass, discovery, result);
    }

    /** Holds a found address back until it was stable for {@code spec.ipDiscovery.settle}, then records it. */
    private StepResult settleThenRecord(Pass pass, IpDiscoverySpec discovery, IpFinder.Result result) {
        Duration settleTime = discovery.getSettle() == null ? Duration.ZERO : Durations.parse(discovery.getSettle());
        Optional<Duration> left = settle.remaining(pass.memory(), result.ip(), settleTime, pass.now());
        if (left.isPresent()) {
            String message = "IP " + result.ip() + " from " + result.source() + " unchanged since "
                    + settle.since(pass.memory(), result.ip()) + "; spec.ipDiscovery.settle wants " + discovery.getSettle();
            pass.report().condition(ConditionTypes.IP_ASSIGNED, false, Reasons.IP_SETTLING, message);
            pass.report().notReady(Reasons.IP_SETTLING, message);
            return StepResult.requeue(min(left.get(), SETTLE_RECHECK));
        }
        recordIp(pass, result.ip(), result.addresses(), result.source());
        finder.forget(pass.uid());
        settle.forget(pass.memory());
        ipv6Only.forget(pass.memory());
        return StepResult.PROCEED;
    }

    private static void recordTools(Pass pass, VmInfo info) {
        var milestones = Milestone.of(pass.status());
        if (info.toolsRunning()) {
            if (milestones.getToolsRunningAt() == null) {
                milestones.setToolsRunningAt(pass.now().toString());
            }
            pass.report().condition(ConditionTypes.TOOLS_RUNNING, true, "ToolsRunning", "VMware Tools are running");
        } else {
            pass.report().condition(ConditionTypes.TOOLS_RUNNING, false, "ToolsNotRunning",
                    "waiting for VMware Tools in the guest");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private StepResult notYet(Pass pass, IpDiscoverySpec discovery, VmInfo info, IpFinder.Result result) {
        String message = result.message();
        Duration retry = result.retryAfter();
        Optional<Ipv6OnlyGuest.Seen> v6 = discovery.getFamily() == null || discovery.getFamily() == dev.testvm.api.IpFamily.IPv4
                ? ipv6Only.observe(pass.memory(), info, pass.now()) : Optional.empty();
        if (v6.isPresent()) {
            Ipv6OnlyGuest.Seen seen = v6.get();
            String why = "the guest has had only IPv6 addresses " + seen.addresses() + " since " + seen.since()
                    + " (VMware Tools and discovery agree) but spec.ipDiscovery.family is IPv4";
            String fix = "set spec.ipDiscovery.family to IPv6 or Any to use them, or give the guest an IPv4 address";
            Duration left = Duration.between(pass.now(), seen.failsAt());
            if (left.isNegative() || left.isZero()) {
                forget(pass);
                throw TestVMProblem.terminal(Reasons.NO_IPV4_ADDRESS, why + " for " + Ipv6OnlyGuest.GRACE.toSeconds()
                        + " s; " + fix);
            }
            message = message + "; " + why + ": unless an IPv4 address appears, this TestVM fails at " + seen.failsAt()
                    + "; " + fix;
            retry = min(retry, left);
        }
        pass.report().condition(ConditionTypes.IP_ASSIGNED, false, result.reason(), message);
        pass.report().notReady(result.reason(), message);
        return StepResult.requeue(retry);
    }

    private void failOnTimeout(Pass pass, IpDiscoverySpec discovery) {
        Instant poweredOn = Milestone.parse(Milestone.of(pass.status()).getPoweredOnAt());
        Duration timeout = Durations.parse(discovery.getTimeout() == null ? "10m" : discovery.getTimeout());
        if (poweredOn != null && pass.now().isAfter(poweredOn.plus(timeout))) {
            forget(pass);
            // The last pass said why there was no address yet; that is what the user needs to see.
            String last = Conditions.find(pass.status(), ConditionTypes.IP_ASSIGNED)
                    .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null && !c.getMessage().isBlank())
                    .map(c -> " (last: " + c.getMessage() + ")").orElse("");
            throw TestVMProblem.terminal(Reasons.IP_DISCOVERY_TIMEOUT,
                    "spec.ipDiscovery.timeout: no IP found within " + discovery.getTimeout() + " of power-on" + last);
        }
    }

    /**
     * Guest-operation trouble gets its own condition (Tools may still deliver the IP meanwhile) and
     * a Warning event when it starts or changes its reason.
     */
    private void recordGuestOperations(Pass pass, IpFinder.Result result) {
        IpFinder.GuestProblem problem = result.problem();
        if (problem != null) {
            boolean news = Conditions.find(pass.status(), ConditionTypes.GUEST_OPERATIONS)
                    .map(c -> !"False".equals(c.getStatus()) || !problem.reason().equals(c.getReason())).orElse(true);
            pass.report().condition(ConditionTypes.GUEST_OPERATIONS, false, problem.reason(), problem.message());
            if (news) {
                kubeEvents.warning(pass.testVM(), problem.reason(), problem.message());
            }
        } else if (deliveredByGuestOperations(result) && Conditions.find(pass.status(), ConditionTypes.GUEST_OPERATIONS).isPresent()) {
            // Only an answer proves guest operations work again: a pass between two failing attempts
            // has no problem to report either, and flipping on it made the condition (and its Events)
            // alternate with every attempt.
            pass.report().condition(ConditionTypes.GUEST_OPERATIONS, true, "GuestOperationsWorking",
                    "guest operations no longer fail");
        }
    }

    private static boolean deliveredByGuestOperations(IpFinder.Result result) {
        return result.ip() != null && result.source() != null && result.source().startsWith("GuestOperations");
    }

    private void recordIp(Pass pass, String ip, List<String> addresses, String source) {
        TestVM testVM = pass.testVM();
        TestVMStatus status = pass.status();
        status.setIp(ip);
        status.setIpAddresses(addresses);
        status.setIpSource(source);
        Milestone.of(status).setIpAssignedAt(pass.now().toString());
        Instant created = testVM.getMetadata().getCreationTimestamp() == null ? null
                : Instant.parse(testVM.getMetadata().getCreationTimestamp());
        Milestone.recomputeTimings(status, created);
        String message = "IP " + ip + " from " + source;
        pass.report().condition(ConditionTypes.IP_ASSIGNED, true, Reasons.IP_FOUND, message);
        ReadinessSpec readiness = testVM.getSpec().getReadiness();
        if (readiness != null && readiness.hasChecks()) {
            // Ready waits for spec.readiness (ReadinessStep, next in this pass).
            String waiting = message + "; waiting for spec.readiness";
            pass.report().condition(ConditionTypes.GUEST_READY, false, Reasons.GUEST_NOT_READY, waiting);
            pass.report().notReady(Reasons.GUEST_NOT_READY, waiting);
            kubeEvents.normal(testVM, "IPAssigned", message + "; waiting for spec.readiness");
            return;
        }
        pass.report().ready(Reasons.IP_FOUND, message);
        var t = status.getTimings();
        kubeEvents.normal(testVM, "Ready", message + String.format(java.util.Locale.ROOT,
                " (clone %ss, power-on %ss, booting %ss, getting IP %ss, total %ss)",
                t.getCloneSeconds(), t.getPowerOnSeconds(), t.getToolsSeconds(), t.getIpSeconds(), t.getTotalSeconds()));
    }
}
