package dev.testvm.reconciler.steps;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.VmStatus;
import dev.testvm.config.DiscoveryWiring;
import dev.testvm.config.OperatorConfig;
import dev.testvm.pool.MemberRelease;
import dev.testvm.pool.PoolMembers;
import dev.testvm.reconciler.TestVMReconciler;
import dev.testvm.reconciler.TestVMReconcilerTest;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims pass by pass: a real API server holds the pool's TestVMs and the claimant, our fake vCenter
 * holds the VMs. A claim the leader left half done is replayed with two reconcilers playing the
 * stopping leader and the new one (the new one with nothing in memory, as after a failover): the
 * interleavings {@code e2e.PoolLeaderFailoverTest} runs into by chance. Claimants that do not fit
 * the pool's VMs (another vCenter, another machine) clone instead.
 */
class PoolClaimStepTest {

    private static final String POOL = "warm";
    private static KubernetesClient client;
    private String namespace;
    private FakeVCenter vcenter;

    @BeforeAll
    static void startApiServer() {
        client = KubeApiServers.newClient();
        Crds.installTestVm(client);
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void setUp() {
        namespace = "handover-" + UUID.randomUUID().toString().substring(0, 8);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        vcenter = new FakeVCenter();
    }

    @Test
    void theNewLeaderTurnsReadyBackOnWhenTheStoppingLeadersLastPassRecordedTheVmWithAnInterruption() {
        TestVM member = readyMember("warm-aaaaa", "vm-901", "10.77.0.9");
        TestVM claimant = create(claimant("burst-2"));

        // The leader's pass: the claim label is written, the handover fills the status, then the
        // power-on step's vCenter read is interrupted because the leader is stopping.
        vcenter.unreachable = true;
        reconciler().reconcile(claimant, null);
        assertThat(PoolMembers.isClaimedBy(get(member.getMetadata().getName()), claimant.getMetadata().getUid())).isTrue();
        patchStatus(claimant);
        TestVM left = get("burst-2");
        assertThat(PoolMembers.vmOf(left)).as("the VM recorded by the interrupted pass").isEqualTo("VirtualMachine:vm-901");
        assertThat(Conditions.find(left.getStatus(), ConditionTypes.READY)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo(Reasons.VCENTER_UNREACHABLE);
        });

        // The new leader, nothing in memory, vCenter reachable again.
        vcenter.unreachable = false;
        TestVM again = get("burst-2");
        reconciler().reconcile(again, null);
        patchStatus(again);

        TestVM done = get("burst-2");
        assertThat(done.getStatus().getPhase()).isEqualTo(Phase.Ready);
        assertThat(Conditions.find(done.getStatus(), ConditionTypes.READY)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo(PoolClaimStep.CLAIMED_FROM_POOL);
            assertThat(c.getMessage()).contains("10.77.0.9").contains("warm-aaaaa");
        });
        assertThat(MemberRelease.decide(client, get("warm-aaaaa"))).isEqualTo(MemberRelease.Decision.KEEP_VM);
    }

    @Test
    void theNewLeaderFinishesTheHandoverOfTheMemberLabelledWithTheClaimantsUid() {
        readyMember("warm-aaaaa", "vm-901", "10.77.0.9");
        readyMember("warm-bbbbb", "vm-902", "10.77.0.10");
        TestVM claimant = create(claimant("burst-1"));

        // The leader's pass writes the claim label and dies before its status patch.
        reconciler().reconcile(claimant, null);
        List<TestVM> labelled = PoolMembers.list(client, namespace, POOL).stream()
                .filter(m -> PoolMembers.isClaimedBy(m, claimant.getMetadata().getUid())).toList();
        assertThat(labelled).hasSize(1);
        TestVM mine = labelled.get(0);
        TestVM persisted = get("burst-1");
        assertThat(persisted.getStatus() == null ? null : persisted.getStatus().getVm()).as("nothing recorded yet").isNull();
        assertThat(MemberRelease.decide(client, mine)).isEqualTo(MemberRelease.Decision.WAIT_FOR_CLAIMANT);

        // The new leader takes that member, not the other one still free.
        reconciler().reconcile(persisted, null);
        patchStatus(persisted);

        TestVM done = get("burst-1");
        assertThat(PoolMembers.vmOf(done)).isEqualTo(PoolMembers.vmOf(mine));
        assertThat(done.getStatus().getPool().getOutcome()).isEqualTo(PoolClaim.CLAIMED);
        assertThat(done.getStatus().getPool().getMember()).isEqualTo(mine.getMetadata().getName());
        assertThat(Conditions.isTrue(done.getStatus(), ConditionTypes.READY)).isTrue();
        assertThat(PoolMembers.list(client, namespace, POOL).stream().filter(PoolMembers::isClaimed)).as("claimed members").hasSize(1);
        assertThat(MemberRelease.decide(client, get(mine.getMetadata().getName()))).isEqualTo(MemberRelease.Decision.KEEP_VM);
    }

    @Test
    void aClaimantInAnotherVCenterThanThePoolsVmsClonesInstead() {
        TestVM member = readyMember("warm-aaaaa", "vm-901", "10.77.0.9");
        member.getStatus().setVcenter("lab-b");
        patchStatus(member);
        vcenter.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        TestVM claimant = create(claimant("elsewhere"));

        reconciler().reconcile(claimant, null);
        patchStatus(claimant);

        TestVM after = get("elsewhere");
        assertThat(PoolMembers.isClaimed(get("warm-aaaaa"))).as("the pool VM stays free").isFalse();
        assertThat(after.getStatus().getPool().getOutcome()).isEqualTo(PoolClaim.CLONED);
        assertThat(after.getStatus().getPool().getMessage()).contains("vCenter (environment)").contains("lab-b");
        assertThat(PoolMembers.vmOf(after)).isNull();
        assertThat(after.getStatus().getPhase()).as("cloning as usual").isEqualTo(Phase.Cloning);
    }

    @Test
    void aClaimantAskingForOtherHardwareClonesInsteadAndSaysWhichFields() {
        readyMember("warm-aaaaa", "vm-901", "10.77.0.9");
        vcenter.addTemplate("DC0/vm/Templates/ubuntu-22.04", true);
        TestVM bigger = claimant("bigger");
        dev.testvm.api.Hardware hardware = new dev.testvm.api.Hardware();
        hardware.setCpus(8);
        bigger.getSpec().setHardware(hardware);
        bigger = create(bigger);

        reconciler().reconcile(bigger, null);
        patchStatus(bigger);

        TestVM after = get("bigger");
        assertThat(PoolMembers.isClaimed(get("warm-aaaaa"))).isFalse();
        assertThat(after.getStatus().getPool().getOutcome()).isEqualTo(PoolClaim.CLONED);
        assertThat(after.getStatus().getPool().getMessage()).contains("spec.hardware differs from the pool's spec.vm");
        // The Cloned condition moves on with the clone; the event keeps the reason.
        assertThat(client.v1().events().inNamespace(namespace).list().getItems())
                .filteredOn(e -> "bigger".equals(e.getInvolvedObject().getName()) && PoolClaimStep.POOL_MISMATCH.equals(e.getReason()))
                .singleElement().satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("spec.hardware");
                });

        // A claimant that sets only what the pool has (or nothing) takes a pool VM.
        TestVM same = create(claimant("same"));
        reconciler().reconcile(same, null);
        assertThat(PoolMembers.isClaimedBy(get("warm-aaaaa"), same.getMetadata().getUid())).isTrue();
    }

    private TestVMReconciler reconciler() {
        OperatorConfig config = TestVMReconcilerTest.config();
        return new TestVMReconciler(VCenterRegistry.of("DC0", () -> vcenter), client, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config), DiscoveryWiring.of(config.discovery()));
    }

    /** A pool TestVM that is Ready: in the API server with its status, and its VM running in the fake vCenter. */
    private TestVM readyMember(String name, String vmId, String ip) {
        TestVM member = new TestVM();
        member.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).addToLabels(PoolMembers.POOL_LABEL, POOL).build());
        member.setSpec(spec());
        member = create(member);
        FakeVCenter.Vm vm = new FakeVCenter.Vm();
        vm.moRef = MoRef.vm(vmId);
        vm.name = namespace + "-" + name;
        vm.instanceUuid = member.getMetadata().getUid();
        vm.power = PowerState.POWERED_ON;
        vm.tools = true;
        vm.ip = ip;
        vcenter.vms.put(vm.moRef, vm);

        TestVMStatus status = new TestVMStatus();
        VmStatus vmStatus = new VmStatus();
        vmStatus.setMoRef(vm.moRef.toString());
        vmStatus.setName(vm.name);
        vmStatus.setInstanceUUID(vm.instanceUuid);
        status.setVm(vmStatus);
        status.setIp(ip);
        status.setIpAddresses(List.of(ip));
        status.setIpSource("Tools");
        status.setPhase(Phase.Ready);
        status.setConditions(new java.util.ArrayList<>(List.of(condition(ConditionTypes.IP_ASSIGNED, ip), condition(ConditionTypes.READY, ip))));
        member.setStatus(status);
        patchStatus(member);
        return get(name);
    }

    private static Condition condition(String type, String ip) {
        Condition c = new Condition();
        c.setType(type);
        c.setStatus("True");
        c.setReason(Reasons.IP_FOUND);
        c.setMessage("IP " + ip + " from Tools");
        c.setLastTransitionTime(Instant.now().toString());
        return c;
    }

    private TestVM claimant(String name) {
        TestVM claimant = new TestVM();
        claimant.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TestVMSpec spec = spec();
        spec.setPoolRef(POOL);
        claimant.setSpec(spec);
        return claimant;
    }

    private static TestVMSpec spec() {
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate("Templates/ubuntu-22.04");
        spec.setCloneType(CloneTypeSpec.linked);
        return spec;
    }

    private TestVM create(TestVM testVM) {
        return client.resource(testVM).create();
    }

    /** What JOSDK does with a pass's UpdateControl.patchStatus. */
    private void patchStatus(TestVM testVM) {
        client.resources(TestVM.class).inNamespace(namespace).resource(testVM).updateStatus();
    }

    private TestVM get(String name) {
        return client.resources(TestVM.class).inNamespace(namespace).withName(name).get();
    }
}
