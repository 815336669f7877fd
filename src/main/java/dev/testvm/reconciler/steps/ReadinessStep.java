package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Durations;
import dev.testvm.api.GuestOsSpec;
import dev.testvm.api.Phase;
import dev.testvm.api.ReadinessSpec;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.discovery.GuestCommandProbe.State;
import dev.testvm.discovery.GuestCommandProbe;
import dev.testvm.discovery.GuestOs;
import dev.testvm.discovery.GuestTarget;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * WaitingForGuest: after the IP, {@code spec.readiness}'s checks (guest command, guestinfo key,
 * TCP port) must pass before Ready, so a pipeline that waits for Ready can log in at once.
 * Every check given runs each round; a round passes when all pass, and {@code successThreshold}
 * passing rounds in a row make the guest ready. Reported in condition {@code GuestReady}.
 */
public final class ReadinessStep {

    /** Between rounds while no check asks for something sooner; also the port probe's pace. */
    static final Duration ROUND = Duration.ofMillis(500);

    private final KubeEvents kubeEvents;
    private final GuestCredentialsReader credentials;
    private final GuestCommandProbe probe;
    private final PortProbe ports;

    public ReadinessStep(KubeEvents kubeEvents, GuestCredentialsReader credentials, GuestCommandProbe probe, PortProbe ports) {
        this.kubeEvents = kubeEvents;
        this.credentials = credentials;
        this.probe = probe;
        this.ports = ports;
    }

    /** The guest command probe's run in flight for a TestVM this process forgets. */
    public void forget(String uid) {
        probe.forget(uid);
    }

    private void forget(Pass pass) {
        pass.memory().readinessStreak = 0;
        probe.forget(pass.uid());
    }

    public StepResult run(Pass pass) {
        ReadinessSpec spec = pass.testVM().getSpec().getReadiness();
        TestVMStatus status = pass.status();
        if (spec == null || !spec.hasChecks() || Conditions.isTrue(status, ConditionTypes.READY)) {
            return StepResult.PROCEED;
        }
        failOnTimeout(pass, spec);
        Round round = round(pass, spec);
        int needed = spec.getSuccessThreshold() == null ? 1 : spec.getSuccessThreshold();
        int streak = round.passed() ? ++pass.memory().readinessStreak : reset(pass.memory(), round);
        if (round.passed() && streak >= needed) {
            ready(pass, round);
            return StepResult.PROCEED;
        }
        String progress = needed > 1 ? " (" + streak + " of " + needed + " passing rounds in a row)" : "";
        String message = round.message() + progress;
        pass.report().condition(ConditionTypes.GUEST_READY, false, Reasons.GUEST_NOT_READY, message);
        pass.report().notReady(Reasons.GUEST_NOT_READY, message);
        return StepResult.requeue(round.passed() ? ROUND : round.retryAfter());
    }

    /** A running command neither passes nor breaks the streak: the round is simply not over. */
    private int reset(TestVMMemory memory, Round round) {
        if (round.running()) {
            return memory.readinessStreak;
        }
        memory.readinessStreak = 0;
        return 0;
    }

    private record Round(boolean passed, boolean running, String message, Duration retryAfter) {}

    private Round round(Pass pass, ReadinessSpec spec) {
        List<String> notes = new ArrayList<>();
        boolean passed = true;
        boolean running = false;
        Duration retry = ROUND;
        VmInfo info = VmLookup.read(pass, MoRef.parse(pass.status().getVm().getMoRef()));
        if (spec.getGuestInfoKey() != null) {
            String value = info.extraConfig().get(spec.getGuestInfoKey());
            boolean ok = value != null && !value.isEmpty()
                    && (spec.getGuestInfoValue() == null || spec.getGuestInfoValue().equals(value));
            passed &= ok;
            notes.add(spec.getGuestInfoKey() + (value == null ? " not set" : " = '" + value + "'") + (ok ? "" : " (waiting)"));
        }
        if (spec.getTcpPort() != null) {
            String ip = pass.status().getIp();
            PortProbe.Answer answer = ports.probe(ip, spec.getTcpPort());
            passed &= answer.open();
            notes.add("TCP " + PortProbe.hostPort(ip, spec.getTcpPort()) + " " + answer.detail());
        }
        if (spec.getCommand() != null) {
            GuestCommandProbe.Result result = probe.step(target(pass, info), guestOs(pass, info), spec.getCommand());
            passed &= result.state() == State.PASSED;
            running = result.state() == State.RUNNING;
            retry = result.retryAfter().isZero() ? retry : result.retryAfter();
            notes.add(result.message());
        }
        return new Round(passed && !running, running, String.join("; ", notes), retry);
    }

    private GuestTarget target(Pass pass, VmInfo info) {
        GuestCredentialsReader.Loaded loaded = credentials.read(pass.testVM());
        if (loaded == null) {
            throw TestVMProblem.terminal(Reasons.READINESS_MISCONFIGURED,
                    "spec.readiness.command runs through guest operations and needs spec.guest.credentialsSecretRef");
        }
        return new GuestTarget(pass.uid(), pass.vcenter(), info.moRef(), info, loaded.credentials(), loaded.version());
    }

    /** spec.guest.os when explicit, else what discovery recorded, else what the VM says now. */
    private static GuestOs guestOs(Pass pass, VmInfo info) {
        TestVM testVM = pass.testVM();
        GuestOsSpec setting = testVM.getSpec().getGuest() == null ? null : testVM.getSpec().getGuest().getOs();
        if (setting == null || setting == GuestOsSpec.auto) {
            Optional<GuestOs> recorded = GuestOs.ofStatus(pass.status().getGuestOS());
            if (recorded.isPresent()) {
                return recorded.get();
            }
        }
        return GuestOs.resolve(setting, info).orElse(GuestOs.LINUX);
    }

    private void failOnTimeout(Pass pass, ReadinessSpec spec) {
        Instant since = Milestone.parse(Milestone.of(pass.status()).getIpAssignedAt());
        Duration timeout = Durations.parse(spec.getTimeout() == null ? "10m" : spec.getTimeout());
        if (since != null && pass.now().isAfter(since.plus(timeout))) {
            forget(pass);
            String last = Conditions.find(pass.status(), ConditionTypes.GUEST_READY)
                    .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null)
                    .map(c -> " (last: " + c.getMessage() + ")").orElse("");
            pass.report().condition(ConditionTypes.GUEST_READY, false, Reasons.GUEST_READINESS_TIMEOUT,
                    "not ready within spec.readiness.timeout " + spec.getTimeout() + last);
            throw TestVMProblem.terminal(Reasons.GUEST_READINESS_TIMEOUT, "spec.readiness.timeout: the guest did not pass its"
                    + " readiness checks within " + spec.getTimeout() + " of getting its IP" + last);
        }
    }

    private void ready(Pass pass, Round round) {
        forget(pass);
        TestVM testVM = pass.testVM();
        TestVMStatus status = pass.status();
        Milestone.of(status).setGuestReadyAt(pass.now().toString());
        Milestone.recomputeTimings(status, testVM.getMetadata().getCreationTimestamp() == null ? null
                : Instant.parse(testVM.getMetadata().getCreationTimestamp()));
        String message = "IP " + status.getIp() + ", readiness passed: " + round.message();
        pass.report().condition(ConditionTypes.GUEST_READY, true, Reasons.GUEST_READY, round.message());
        pass.report().ready(Reasons.GUEST_READY, message);
        var t = status.getTimings();
        kubeEvents.normal(testVM, "Ready", message + String.format(Locale.ROOT,
                " (clone %ss, power-on %ss, booting %ss, getting IP %ss, readiness %ss, total %ss)", t.getCloneSeconds(),
                t.getPowerOnSeconds(), t.getToolsSeconds(), t.getIpSeconds(), t.getReadinessSeconds(), t.getTotalSeconds()));
    }
}
