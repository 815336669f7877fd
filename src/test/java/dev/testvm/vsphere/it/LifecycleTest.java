package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.DuplicateNameException;
import dev.testvm.vsphere.fault.InvalidPowerStateException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.NoSnapshotException;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.vim.VimVCenter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inventory lookups and the VM lifecycle: clone (full, linked, instant), power, destroy, task faults. */
class LifecycleTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    static final String UBUNTU = "DC0/vm/Templates/ubuntu-22.04";
    static final String NO_SNAPSHOT = "DC0/vm/Templates/no-snapshot";
    static final String VPX_VM = "DC0/vm/DC0_H0_VM0";

    static VimVCenter vc;

    @BeforeAll
    static void connect() {
        vc = VimVCenter.open(SIM.simulator().connectionSettings(8), VimVCenter.Tuning.DEFAULT);
    }

    @AfterAll
    static void close() {
        vc.close();
    }

    private static MoRef find(String path) {
        return vc.findByInventoryPath(path).orElseThrow(() -> new AssertionError("not found: " + path));
    }

    private static CloneRequest request(MoRef source, CloneType type, MoRef snapshot, String name, String uid) {
        return new CloneRequest(source, type, snapshot, name, null, null, null, null, uid,
                Map.of("testvm.dev/uid", uid, "guestinfo.testvm", "yes"), null, null, null, false);
    }

    @Test
    void activeCloneTasksListsRunningFullAndInstantClonesOfTheSourceOnly() {
        // Sources whose clones take 5 s (at this time scale), so they are certainly still running when listed.
        SIM.simulator().addTemplate("slow-full-src", "ubuntu-22.04", Map.of("cloneSeconds.full", "250"), List.of(), false);
        SIM.simulator().addTemplate("slow-instant-src", "ubuntu-22.04", Map.of("cloneSeconds.instant", "250"), List.of(), true);
        MoRef template = find("DC0/vm/Templates/slow-full-src");
        MoRef parent = find("DC0/vm/Templates/slow-instant-src");
        assertThat(vc.activeCloneTasks(template)).isEmpty();
        MoRef pool = vc.moRefProperty(find(VPX_VM), "resourcePool").orElseThrow();

        String uid = UUID.randomUUID().toString();
        MoRef full = vc.startClone(new CloneRequest(template, CloneType.FULL, null, "active-full-" + uid.substring(0, 8), null, pool,
                null, null, uid, Map.of("testvm.dev/uid", uid), null, null, null, false));
        String uid2 = UUID.randomUUID().toString();
        MoRef instant = vc.startClone(request(parent, CloneType.INSTANT, null, "active-instant-" + uid2.substring(0, 8), uid2));

        assertThat(vc.activeCloneTasks(template)).containsExactly(full);
        assertThat(vc.activeCloneTasks(parent)).containsExactly(instant);
        assertThat(vc.activeCloneTasks(find(UBUNTU))).doesNotContain(full, instant);

        MoRef fullVm = Tasks.awaitSuccess(vc, full);
        MoRef instantVm = Tasks.awaitSuccess(vc, instant);
        assertThat(vc.activeCloneTasks(template)).as("finished tasks stay in recentTask but are not active").isEmpty();
        assertThat(vc.activeCloneTasks(parent)).isEmpty();
        Tasks.awaitSuccess(vc, vc.startDestroy(fullVm));
        Tasks.awaitSuccess(vc, vc.startPowerOff(instantVm));
        Tasks.awaitSuccess(vc, vc.startDestroy(instantVm));
    }

    @Test
    void fullCloneWithEverythingSetThenPowerCycleAndDestroy() {
        MoRef source = find(VPX_VM);
        String uid = UUID.randomUUID().toString();
        MoRef sourceFolder = vc.moRefProperty(source, "parent").orElseThrow();
        MoRef pool = vc.moRefProperty(source, "resourcePool").orElseThrow();
        CloneRequest full = new CloneRequest(source, CloneType.FULL, null, "full-" + uid.substring(0, 8), sourceFolder, pool,
                null, null, uid, Map.of("testvm.dev/uid", uid), 2, 2048L, "made by LifecycleTest", false);

        MoRef task = vc.startClone(full);
        assertThat(task.type()).isEqualTo("Task");
        MoRef vm = Tasks.awaitSuccess(vc, task);

        VmInfo info = vc.vmInfo(vm);
        assertThat(info.name()).isEqualTo(full.name());
        assertThat(info.instanceUuid()).isEqualTo(uid);
        assertThat(info.extraConfig()).containsEntry("testvm.dev/uid", uid);
        assertThat(info.template()).isFalse();
        assertThat(vc.findVmByInstanceUuid(uid)).contains(vm);
        assertThat(vc.moRefProperty(vm, "parent")).contains(sourceFolder);
        ObjectContent hw = new PropertyReader(vc.session(), 100)
                .read(vm, List.of("config.hardware.numCPU", "config.hardware.memoryMB")).orElseThrow();
        assertThat(hw.get("config.hardware.numCPU").text()).isEqualTo("2");
        assertThat(hw.get("config.hardware.memoryMB").text()).isEqualTo("2048");
        // (vcsim's CloneVM_Task ignores config.annotation; RequestWritingTest checks that we send it)
        assertThat(vc.vmsWithExtraConfigKey("testvm.dev/uid")).extracting(VmInfo::moRef).contains(vm);

        if (info.powerState() != PowerState.POWERED_ON) {
            Tasks.awaitSuccess(vc, vc.startPowerOn(vm));
        }
        assertThat(vc.vmInfo(vm).powerState()).isEqualTo(PowerState.POWERED_ON);

        TaskInfo again = Tasks.await(vc, vc.startPowerOn(vm));
        assertThat(again.state()).isEqualTo(TaskInfo.State.ERROR);
        assertThat(again.error()).isInstanceOf(InvalidPowerStateException.class);

        Tasks.awaitSuccess(vc, vc.startPowerOff(vm));
        assertThat(vc.vmInfo(vm).powerState()).isEqualTo(PowerState.POWERED_OFF);
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));

        assertThatThrownBy(() -> vc.vmInfo(vm)).isInstanceOf(ManagedObjectNotFoundException.class);
        assertThat(vc.findVmByInstanceUuid(uid)).isEmpty();
        assertThatThrownBy(() -> vc.startPowerOn(vm)).isInstanceOf(ManagedObjectNotFoundException.class);
    }

    @Test
    void cloneDefaultsToSourceFolderAndPool() {
        MoRef source = find(VPX_VM);
        String uid = UUID.randomUUID().toString();
        MoRef vm = Tasks.awaitSuccess(vc, vc.startClone(request(source, CloneType.FULL, null, "defaults-" + uid.substring(0, 8), uid)));
        assertThat(cloneTypeSeenBySimulator(vm)).isEqualTo("full");
        assertThat(vc.moRefProperty(vm, "parent")).isEqualTo(vc.moRefProperty(source, "parent"));
        assertThat(vc.moRefProperty(vm, "resourcePool")).isEqualTo(vc.moRefProperty(source, "resourcePool"));
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));
    }

    @Test
    void cloneOfTemplateLandsInThePoolOfItsComputeResource() {
        MoRef template = find(UBUNTU);
        assertThat(vc.vmInfo(template).template()).isTrue();
        String uid = UUID.randomUUID().toString();
        MoRef vm = Tasks.awaitSuccess(vc, vc.startClone(request(template, CloneType.FULL, null, "tmpl-" + uid.substring(0, 8), uid)));
        MoRef host = vc.vmInfo(template).host();
        MoRef computeResource = vc.moRefProperty(host, "parent").orElseThrow();
        assertThat(vc.moRefProperty(vm, "resourcePool")).isEqualTo(vc.moRefProperty(computeResource, "resourcePool"));
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));
    }

    @Test
    void linkedCloneFromNamedAndFromCurrentSnapshot() {
        MoRef template = find(UBUNTU);
        MoRef base = vc.findSnapshot(template, "base").orElseThrow();
        assertThat(vc.findSnapshot(template, "no-such-snapshot")).isEmpty();
        assertThat(vc.vmInfo(template).currentSnapshot()).isNotNull();

        String uid = UUID.randomUUID().toString();
        MoRef named = Tasks.awaitSuccess(vc, vc.startClone(request(template, CloneType.LINKED, base, "linked-" + uid.substring(0, 8), uid)));
        String uid2 = UUID.randomUUID().toString();
        MoRef current = Tasks.awaitSuccess(vc, vc.startClone(request(template, CloneType.LINKED, null, "linked-" + uid2.substring(0, 8), uid2)));
        assertThat(vc.vmInfo(named).instanceUuid()).isEqualTo(uid);
        assertThat(vc.vmInfo(current).instanceUuid()).isEqualTo(uid2);
        // the simulator records what kind of clone our spec asked for (diskMoveType + snapshot)
        assertThat(cloneTypeSeenBySimulator(named)).isEqualTo("linked");
        assertThat(cloneTypeSeenBySimulator(current)).isEqualTo("linked");
        Tasks.awaitSuccess(vc, vc.startDestroy(named));
        Tasks.awaitSuccess(vc, vc.startDestroy(current));
    }

    @Test
    void linkedCloneOfSourceWithoutSnapshotIsRefusedBeforeCloning() {
        MoRef source = find(NO_SNAPSHOT);
        long clonesBefore = vc.requestStats().count("CloneVM_Task");
        int inFlightBefore = vc.tasksInFlight();
        assertThatThrownBy(() -> vc.startClone(request(source, CloneType.LINKED, null, "never", UUID.randomUUID().toString())))
                .isInstanceOf(NoSnapshotException.class)
                .hasMessageContaining("no-snapshot")
                .hasMessageContaining("has no snapshot");
        assertThat(vc.requestStats().count("CloneVM_Task")).isEqualTo(clonesBefore);
        assertThat(vc.tasksInFlight()).isEqualTo(inFlightBefore);
    }

    @Test
    void instantCloneOfARunningVm() {
        MoRef source = find(VPX_VM);
        if (vc.vmInfo(source).powerState() != PowerState.POWERED_ON) {
            Tasks.awaitSuccess(vc, vc.startPowerOn(source));
        }
        String uid = UUID.randomUUID().toString();
        MoRef vm = Tasks.awaitSuccess(vc, vc.startClone(request(source, CloneType.INSTANT, null, "instant-" + uid.substring(0, 8), uid)));
        VmInfo info = vc.vmInfo(vm);
        assertThat(cloneTypeSeenBySimulator(vm)).isEqualTo("instant");
        assertThat(info.name()).isEqualTo("instant-" + uid.substring(0, 8));
        assertThat(info.extraConfig()).containsEntry("testvm.dev/uid", uid);
        assertThat(info.powerState()).isEqualTo(PowerState.POWERED_ON);
        Tasks.awaitSuccess(vc, vc.startPowerOff(vm));
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));
    }

    private static String cloneTypeSeenBySimulator(MoRef vm) {
        return SIM.simulator().vms().stream().filter(v -> vm.value().equals(v.get("moRef")))
                .map(v -> String.valueOf(v.get("cloneType"))).findFirst().orElseThrow();
    }

    @Test
    void instantCloneRefusesHardwareOverrides() {
        MoRef source = find(VPX_VM);
        CloneRequest r = new CloneRequest(source, CloneType.INSTANT, null, "x", null, null, null, null, null, Map.of(), 4, null, null, true);
        assertThatThrownBy(() -> vc.startClone(r)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instant");
    }

    @Test
    void cloneWithATakenNameFailsWithDuplicateName() {
        MoRef source = find(VPX_VM);
        String name = "dup-" + UUID.randomUUID().toString().substring(0, 8);
        MoRef first = Tasks.awaitSuccess(vc, vc.startClone(request(source, CloneType.FULL, null, name, UUID.randomUUID().toString())));
        TaskInfo second = Tasks.await(vc, vc.startClone(request(source, CloneType.FULL, null, name, UUID.randomUUID().toString())));
        assertThat(second.state()).isEqualTo(TaskInfo.State.ERROR);
        assertThat(second.error()).isInstanceOf(DuplicateNameException.class);
        Tasks.awaitSuccess(vc, vc.startDestroy(first));
    }

    @Test
    void taskBoundRefusesWithoutSendingAndFreesWhenTheWatcherSeesTheEnd() {
        try (VimVCenter limited = VimVCenter.open(SIM.simulator().connectionSettings(1), VimVCenter.Tuning.DEFAULT)) {
            MoRef vm = limited.findByInventoryPath(VPX_VM).orElseThrow();
            MoRef first = limited.startPowerOn(vm);
            long sent = limited.requestStats().count("PowerOffVM_Task");
            assertThatThrownBy(() -> limited.startPowerOff(vm)).isInstanceOf(TaskCapacityExceededException.class);
            assertThat(limited.requestStats().count("PowerOffVM_Task")).isEqualTo(sent);
            assertThat(limited.tasksInFlight()).isEqualTo(1);
            // nobody calls taskInfo: the watcher alone sees the task end and frees the slot
            await().atMost(Duration.ofSeconds(20)).until(() -> limited.tasksInFlight() == 0);
            assertThat(limited.taskInfo(first).state().done()).isTrue();
            Tasks.await(limited, limited.startPowerOn(vm));
        }
    }

    @Test
    void unknownObjectsAreManagedObjectNotFound() {
        assertThatThrownBy(() -> vc.vmInfo(MoRef.vm("vm-does-not-exist"))).isInstanceOf(ManagedObjectNotFoundException.class);
        assertThatThrownBy(() -> vc.taskInfo(MoRef.task("task-does-not-exist"))).isInstanceOf(ManagedObjectNotFoundException.class);
    }

    @Test
    void vmsWithExtraConfigKeyPagesThroughAllVms() {
        try (VimVCenter small = VimVCenter.open(SIM.simulator().connectionSettings(), new VimVCenter.Tuning(5, 2))) {
            MoRef source = small.findByInventoryPath(VPX_VM).orElseThrow();
            String key = "testvm.dev/paging-" + UUID.randomUUID().toString().substring(0, 6);
            List<MoRef> made = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CloneRequest r = new CloneRequest(source, CloneType.FULL, null, "page-" + i + "-" + key.substring(key.length() - 6),
                        null, null, null, null, null, Map.of(key, "v" + i), null, null, null, false);
                made.add(Tasks.awaitSuccess(small, small.startClone(r)));
            }
            List<VmInfo> found = small.vmsWithExtraConfigKey(key);
            assertThat(found).extracting(VmInfo::moRef).containsExactlyInAnyOrderElementsOf(made);
            assertThat(found).extracting(i -> i.extraConfig().get(key)).containsExactlyInAnyOrder("v0", "v1", "v2");
            assertThat(small.requestStats().count("ContinueRetrievePropertiesEx")).as("more VMs than one page of 2").isPositive();
            for (MoRef vm : made) {
                Tasks.awaitSuccess(small, small.startDestroy(vm));
            }
        }
    }
}
