package dev.testvm.reconciler;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Milestones;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection registry with two vCenters whose moRef values are the same (both fakes count
 * from the same start, as two real vCenters do): each TestVM is cloned, followed and recorded in
 * its own vCenter only.
 */
class SeveralVCentersTest {

    private final FakeVCenter lab = new FakeVCenter();
    private final FakeVCenter prod = new FakeVCenter();
    private VCenterRegistry vcenters;
    private TestVMReconciler reconciler;

    @BeforeEach
    void setUp() {
        lab.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        prod.addTemplate("DC1/vm/Templates/ubuntu-22.04", true);
        vcenters = new VCenterRegistry();
        vcenters.put("lab", "DC0", () -> lab);
        vcenters.put("prod", "DC1", () -> prod);
        reconciler = TestVMReconcilerTest.newReconciler(vcenters);
    }

    @Test
    void aTestVMIsClonedInTheVCenterItNamesWithThatVCentersDefaultDatacenter() {
        TestVM testVM = onVCenter("prod");
        reconciler.reconcile(testVM, null);
        reconciler.reconcile(testVM, null);

        assertThat(lab.clones).isEmpty();
        assertThat(prod.clones).singleElement();
        assertThat(testVM.getStatus().getVcenter()).isEqualTo("prod");
        prod.completeAll();
        reconciler.reconcile(testVM, null);
        assertThat(testVM.getStatus().getVm().getVcenter()).isEqualTo("prod");
        assertThat(testVM.getStatus().getPhase()).isEqualTo(Phase.PoweringOn);
    }

    @Test
    void identicalMoRefsInTwoVCentersAreFollowedAndReportedApart() {
        TestVM inLab = onVCenter("lab");
        TestVM inProd = onVCenter("prod");
        for (TestVM testVM : new TestVM[] {inLab, inProd}) {
            reconciler.reconcile(testVM, null);
            reconciler.reconcile(testVM, null);
        }
        MoRef labTask = MoRef.parse(inLab.getStatus().getTaskRef());
        MoRef prodTask = MoRef.parse(inProd.getStatus().getTaskRef());
        assertThat(labTask).as("both vCenters numbered their first task alike").isEqualTo(prodTask);
        assertThat(lab.followed).containsExactly(labTask);
        assertThat(prod.followed).containsExactly(prodTask);

        VSphereEventSource events = eventSourceOf(reconciler);
        lab.report(new PropertyChange(labTask, Set.of(), true));
        assertThat(events.reportedGone(labTask, ResourceID.fromResource(inLab))).isTrue();
        assertThat(events.reportedGone(prodTask, ResourceID.fromResource(inProd)))
                .as("a task of the same moRef gone in lab says nothing about prod").isFalse();
    }

    @Test
    void aTestVMThatMadeProgressBeforeVCentersWereChosenStaysInTheEnvironmentsVCenter() {
        FakeVCenter environment = new FakeVCenter();
        environment.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        vcenters.put(VCenterRegistry.ENVIRONMENT, "DC0", () -> environment);
        TestVM legacy = onVCenter(null);
        legacy.setStatus(new dev.testvm.api.TestVMStatus());
        legacy.getStatus().setPhase(Phase.Cloning);
        legacy.getStatus().setMilestones(new Milestones());
        legacy.getStatus().getMilestones().setCloneStartedAt("2026-01-01T00:00:00Z");

        reconciler.reconcile(legacy, null);

        assertThat(legacy.getStatus().getVcenter()).isEqualTo(VCenterRegistry.ENVIRONMENT);
        assertThat(lab.clones).isEmpty();
        assertThat(prod.clones).isEmpty();
    }

    @Test
    void aTestVMNamingAnUnknownVCenterWaitsWithAReasonAndClonesNothing() {
        TestVM testVM = onVCenter("staging");
        reconciler.reconcile(testVM, null);
        assertThat(Conditions.find(testVM.getStatus(), dev.testvm.api.ConditionTypes.READY).orElseThrow().getReason())
                .isEqualTo(Reasons.VCENTER_NOT_FOUND);
        assertThat(testVM.getStatus().getPhase()).isNotEqualTo(Phase.Failed);
        assertThat(lab.clones).isEmpty();
        assertThat(prod.clones).isEmpty();
    }

    @Test
    void aShardLeavesTestVMsOfVCentersItDoesNotServeAlone() {
        VCenterRegistry shard = new VCenterRegistry();
        shard.shard(true);
        shard.put("lab", "DC0", () -> lab);
        TestVMReconciler shardReconciler = TestVMReconcilerTest.newReconciler(shard);
        TestVM elsewhere = onVCenter("prod");
        TestVM unnamed = onVCenter(null);

        for (TestVM testVM : new TestVM[] {elsewhere, unnamed}) {
            assertThat(shardReconciler.reconcile(testVM, null).isPatchStatus()).as("no status written").isFalse();
            assertThat(testVM.getStatus() == null || testVM.getStatus().getConditions().isEmpty()).isTrue();
            assertThat(shardReconciler.cleanup(testVM, null).isRemoveFinalizer()).as("the serving replica removes it").isFalse();
        }
        TestVM served = onVCenter("lab");
        shardReconciler.reconcile(served, null);
        assertThat(served.getStatus().getVcenter()).isEqualTo("lab");
        assertThat(lab.clones).isEmpty(); // first pass: the clone intent only
        shardReconciler.reconcile(served, null);
        assertThat(lab.clones).singleElement();
        assertThat(prod.clones).isEmpty();
    }

    @Test
    void theVCenterMarkedDefaultTakesTestVMsThatNameNoneAndRetiringOnesTakeNoNewTestVMs() {
        vcenters.markDefault("prod");
        TestVM unnamed = onVCenter(null);
        reconciler.reconcile(unnamed, null);
        assertThat(unnamed.getStatus().getVcenter()).isEqualTo("prod");

        vcenters.find("lab").orElseThrow().retiring(true);
        TestVM late = onVCenter("lab");
        reconciler.reconcile(late, null);
        assertThat(Conditions.find(late.getStatus(), dev.testvm.api.ConditionTypes.READY).orElseThrow().getReason())
                .isEqualTo(Reasons.VCENTER_NOT_FOUND);
        assertThat(late.getStatus().getVcenter()).isNull();
        assertThat(lab.clones).isEmpty();
    }

    private static TestVM onVCenter(String name) {
        TestVM testVM = TestVMReconcilerTest.testVM("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        testVM.getMetadata().setName("vm-" + testVM.getMetadata().getUid().substring(0, 8));
        testVM.getSpec().setVcenter(name);
        return testVM;
    }

    private static VSphereEventSource eventSourceOf(TestVMReconciler reconciler) {
        return (VSphereEventSource) reconciler.prepareEventSources(null).get(0);
    }
}
