package dev.testvm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.Timings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OperatorMetrics metrics = new OperatorMetrics(registry);

    @Test
    void timingsAreRecordedOnceWhenTheTestVmBecomesReady() {
        TestVM vm = testVM("uid-1");
        vm.getStatus().setPhase(Phase.WaitingForIP);
        metrics.reconciled(vm, Phase.PoweringOn);
        assertThat(registry.find(OperatorMetrics.PHASE_DURATION).timers()).isEmpty();

        Timings timings = new Timings();
        timings.setCloneSeconds(1.5);
        timings.setPowerOnSeconds(0.25);
        timings.setIpSeconds(0.75);
        timings.setTotalSeconds(3.0);
        vm.getStatus().setTimings(timings);
        vm.getStatus().setVcenter("lab");
        vm.getStatus().setPhase(Phase.Ready);
        metrics.reconciled(vm, Phase.WaitingForIP);
        metrics.reconciled(vm, Phase.Ready);

        var clone = registry.get(OperatorMetrics.PHASE_DURATION).tags("phase", "clone", "clone_type", "linked", "ip_source", "Tools",
                "vcenter", "lab").timer();
        assertThat(clone.count()).isEqualTo(1);
        assertThat(clone.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
        assertThat(registry.find(OperatorMetrics.PHASE_DURATION).tag("phase", "tools").timers()).as("no tools timing").isEmpty();
        assertThat(registry.get(OperatorMetrics.PHASE_DURATION).tag("phase", "total").timer().count()).isEqualTo(1);
    }

    @Test
    void phaseGaugeFollowsTestVmsAndForgetsDeletedOnes() {
        TestVM a = testVM("a");
        TestVM b = testVM("b");
        a.getStatus().setPhase(Phase.Cloning);
        b.getStatus().setPhase(Phase.Cloning);
        metrics.reconciled(a, null);
        metrics.reconciled(b, null);
        assertThat(gauge(Phase.Cloning)).isEqualTo(2);
        b.getStatus().setPhase(Phase.Failed);
        metrics.reconciled(b, Phase.Cloning);
        assertThat(gauge(Phase.Cloning)).isEqualTo(1);
        assertThat(gauge(Phase.Failed)).isEqualTo(1);
        metrics.deleted(b);
        assertThat(gauge(Phase.Failed)).isZero();
    }

    @Test
    void failuresAreCountedByReasonAndKind() {
        metrics.problem(testVM("x"), "VCenterUnreachable", false);
        metrics.problem(testVM("x"), "VCenterUnreachable", false);
        TestVM pinned = testVM("y");
        pinned.getStatus().setVcenter("(environment)");
        metrics.problem(pinned, "TemplateNotFound", true);
        assertThat(registry.get(OperatorMetrics.FAILURES).tags("reason", "VCenterUnreachable", "kind", "retryable", "vcenter", "none")
                .counter().count()).as("not pinned to a vCenter yet").isEqualTo(2);
        assertThat(registry.get(OperatorMetrics.FAILURES).tags("reason", "TemplateNotFound", "kind", "terminal", "vcenter", "(environment)")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void vCenterRequestsAreCountedByMethodAndFault() {
        var listener = VCenterMetrics.listener(registry, "lab");
        listener.completed("CloneVM_Task", null);
        listener.completed("Login", "InvalidLogin");
        listener.completed("Login", "InvalidLogin");
        assertThat(registry.get(VCenterMetrics.REQUESTS).tags("vcenter", "lab", "method", "CloneVM_Task", "fault", "none").counter().count()).isEqualTo(1);
        assertThat(registry.get(VCenterMetrics.REQUESTS).tags("vcenter", "lab", "method", "Login", "fault", "InvalidLogin").counter().count()).isEqualTo(2);
    }

    @Test
    void aClaimIsCountedOnceWhenTheHandoverRunsAgain() {
        TestVM claimant = testVM("claimant-1");
        claimant.getMetadata().setNamespace("ci");
        // The handover's status write did not land; the next pass hands the same VM over again.
        metrics.claimed(claimant, "warm", "Claimed", java.time.Duration.ofMillis(400));
        metrics.claimed(claimant, "warm", "Claimed", java.time.Duration.ofMillis(900));
        TestVM other = testVM("claimant-2");
        other.getMetadata().setNamespace("ci");
        metrics.claimed(other, "warm", "Cloned", null);

        assertThat(registry.get(OperatorMetrics.POOL_CLAIMS).tags("pool", "ci/warm", "outcome", "Claimed").counter().count()).isEqualTo(1);
        assertThat(registry.get(OperatorMetrics.POOL_CLAIMS).tags("pool", "ci/warm", "outcome", "Cloned").counter().count()).isEqualTo(1);
        var latency = registry.get(OperatorMetrics.POOL_CLAIM_DURATION).tag("pool", "ci/warm").timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(400.0);

        // A new TestVM that reuses nothing but the name is a new claim.
        metrics.deleted(claimant);
        TestVM recreated = testVM("claimant-3");
        recreated.getMetadata().setNamespace("ci");
        metrics.claimed(recreated, "warm", "Claimed", java.time.Duration.ofMillis(300));
        assertThat(registry.get(OperatorMetrics.POOL_CLAIMS).tags("pool", "ci/warm", "outcome", "Claimed").counter().count()).isEqualTo(2);
    }

    private double gauge(Phase phase) {
        return registry.get(OperatorMetrics.BY_PHASE).tag("phase", phase.name()).gauge().value();
    }

    private static TestVM testVM(String uid) {
        TestVM vm = new TestVM();
        vm.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("vm-" + uid).withUid(uid).build());
        TestVMStatus status = new TestVMStatus();
        status.setEffectiveCloneType("linked");
        status.setIpSource("Tools");
        vm.setStatus(status);
        return vm;
    }
}
