package dev.testvm.reconciler.sweeper;

import dev.testvm.reconciler.TestVMReconcilerTest;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.inventory.VmIdentity;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.MutableClock;
import dev.testvm.vsphere.PowerState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sweeper's rules against our own VCenter fake, with a clock the test moves. */
class OrphanSweeperTest {

    static final Duration GRACE = Duration.ofMinutes(15);
    static final String CLUSTER = "7d1c5a6e-this-cluster";

    private final FakeVCenter vcenter = new FakeVCenter();
    private final List<TestVM> testVMs = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private OrphanSweeper sweeper;

    @BeforeEach
    void setUp() {
        vcenter.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        vcenter.completeTasksAtOnce = true;
        sweeper = new OrphanSweeper(() -> vcenter, () -> List.copyOf(testVMs), ClusterIdentity.fixed(CLUSTER), "DC0", GRACE, Duration.ofSeconds(5), clock, registry);
    }

    @Test
    void anOrphanIsPoweredOffAndDestroyedOnceItsGracePeriodHasPassed() {
        String goneUid = UUID.randomUUID().toString();
        FakeVCenter.Vm orphan = vcenter.addVm("ci-gone-1234", PowerState.POWERED_ON, ours(goneUid));

        OrphanSweeper.Sweep first = sweeper.sweep();
        assertThat(first.orphans()).isEqualTo(1);
        assertThat(first.destroyed()).isEmpty();
        clock.advance(GRACE.minusSeconds(1));
        assertThat(sweeper.sweep().destroyed()).isEmpty();
        assertThat(vcenter.vms).containsKey(orphan.moRef);
        assertThat(registry.get(OrphanSweeper.PENDING).gauge().value()).isEqualTo(1.0);

        clock.advance(Duration.ofSeconds(1));
        assertThat(sweeper.sweep().destroyed()).containsExactly("ci-gone-1234");
        assertThat(vcenter.vms).doesNotContainKey(orphan.moRef);
        assertThat(vcenter.calls).containsSubsequence("startPowerOff " + orphan.moRef.value(), "startDestroy " + orphan.moRef.value());
        assertThat(registry.get(OrphanSweeper.DESTROYED).counter().count()).isEqualTo(1.0);
        assertThat(registry.get(OrphanSweeper.PENDING).gauge().value()).isZero();
    }

    @Test
    void vmsWithoutOurKeyAreNeverTouched() {
        FakeVCenter.Vm foreign = vcenter.addVm("someone-elses", PowerState.POWERED_ON, Map.of("guestinfo.owner", "bob"));
        FakeVCenter.Vm blank = vcenter.addVm("blank-key", PowerState.POWERED_OFF, ours(""));

        sweepOverAnHour();

        assertThat(vcenter.vms).containsKeys(foreign.moRef, blank.moRef);
        assertNoTaskStarted();
    }

    @Test
    void vmsOfAnotherClusterOrOfNoNamedClusterAreNeverTouched() {
        String goneUid = UUID.randomUUID().toString();
        FakeVCenter.Vm otherCluster = vcenter.addVm("other-cluster", PowerState.POWERED_ON,
                Map.of(VmIdentity.UID_KEY, goneUid, ClusterIdentity.KEY, "another-cluster"));
        FakeVCenter.Vm unnamed = vcenter.addVm("no-cluster-key", PowerState.POWERED_ON, Map.of(VmIdentity.UID_KEY, goneUid));

        sweepOverAnHour();

        assertThat(vcenter.vms).containsKeys(otherCluster.moRef, unnamed.moRef);
        assertNoTaskStarted();
    }

    /** extraConfig of a VM this cluster's operator cloned for the TestVM with {@code uid}. */
    private static Map<String, String> ours(String uid) {
        return Map.of(VmIdentity.UID_KEY, uid, ClusterIdentity.KEY, CLUSTER);
    }

    @Test
    void theVmOfAnExistingTestVmIsNeverTouched() {
        TestVM live = testVM("Templates/ubuntu-22.04");
        testVMs.add(live);
        FakeVCenter.Vm vm = vcenter.addVm("ci-live", PowerState.POWERED_ON, ours(live.getMetadata().getUid()));

        sweepOverAnHour();

        assertThat(vcenter.vms).containsKey(vm.moRef);
        assertNoTaskStarted();
    }

    @Test
    void templatesAndTheSourcesOfLiveTestVmsAreNeverTouchedEvenWithAStaleKey() {
        FakeVCenter.Vm template = vcenter.addTemplate("DC0/vm/Templates/made-from-a-testvm", false);
        template.extraConfig.put(VmIdentity.UID_KEY, UUID.randomUUID().toString());
        // A TestVM's VM, its TestVM gone, now the running parent of another TestVM's instant clone.
        FakeVCenter.Vm parent = vcenter.addVm("instant-parent", PowerState.POWERED_ON, ours(UUID.randomUUID().toString()));
        vcenter.inventory.put("DC0/vm/Parents/instant-parent", parent.moRef);
        TestVM child = testVM("Parents/instant-parent");
        child.getSpec().setCloneType(CloneTypeSpec.instant);
        testVMs.add(child);

        sweepOverAnHour();

        assertThat(vcenter.vms).containsKeys(template.moRef, parent.moRef);
        assertNoTaskStarted();
    }

    @Test
    void whenTheTestVmListFailsNothingIsDestroyed() {
        FakeVCenter.Vm orphan = vcenter.addVm("ci-gone", PowerState.POWERED_OFF, ours(UUID.randomUUID().toString()));
        sweeper.sweep();
        clock.advance(GRACE.plusMinutes(1));
        OrphanSweeper failing = new OrphanSweeper(() -> vcenter, () -> {
            throw new IllegalStateException("API server unreachable");
        }, ClusterIdentity.fixed(CLUSTER), "DC0", Duration.ZERO, Duration.ofSeconds(5), clock, new SimpleMeterRegistry());

        assertThatThrownBy(failing::sweep).hasMessageContaining("API server unreachable");
        assertThat(vcenter.vms).containsKey(orphan.moRef);
    }

    @Test
    void aRefusedTaskSlotPostponesTheDestroyToTheNextSweep() {
        FakeVCenter.Vm orphan = vcenter.addVm("ci-gone", PowerState.POWERED_OFF, ours(UUID.randomUUID().toString()));
        sweeper.sweep();
        clock.advance(GRACE);
        vcenter.refuseTasks = 1;
        assertThat(sweeper.sweep().destroyed()).isEmpty();
        assertThat(vcenter.vms).containsKey(orphan.moRef);

        assertThat(sweeper.sweep().destroyed()).as("the grace period is not counted again").containsExactly("ci-gone");
        assertThat(vcenter.calls).doesNotContain("startPowerOff " + orphan.moRef.value());
    }

    @Test
    void aNewLeaderCountsTheGracePeriodFromItsOwnFirstSighting() {
        vcenter.addVm("ci-gone", PowerState.POWERED_OFF, ours(UUID.randomUUID().toString()));
        sweeper.sweep();
        clock.advance(GRACE.minusMinutes(1));
        sweeper.forget(); // lost the lease meanwhile
        clock.advance(Duration.ofMinutes(2));
        assertThat(sweeper.sweep().destroyed()).isEmpty();
        clock.advance(GRACE);
        assertThat(sweeper.sweep().destroyed()).containsExactly("ci-gone");
    }

    private void sweepOverAnHour() {
        for (int i = 0; i < 5; i++) {
            sweeper.sweep();
            clock.advance(GRACE);
        }
        assertThat(sweeper.sweep().destroyed()).isEmpty();
    }

    private void assertNoTaskStarted() {
        assertThat(vcenter.calls).noneMatch(call -> call.startsWith("startPowerOff") || call.startsWith("startDestroy"));
        assertThat(registry.get(OrphanSweeper.DESTROYED).counter().count()).isZero();
    }

    private static TestVM testVM(String template) {
        TestVM testVM = TestVMReconcilerTest.testVM(template, CloneTypeSpec.linked);
        testVM.getMetadata().setName("t-" + testVM.getMetadata().getUid().substring(0, 8));
        return testVM;
    }

}
