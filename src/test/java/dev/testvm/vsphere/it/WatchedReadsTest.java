package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.vim.VimVCenter;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 item 8: reads of a VM or task the watcher follows are answered from what the watcher
 * holds (no RetrievePropertiesEx), and agree with vCenter; what it does not hold is read.
 */
class WatchedReadsTest {

    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    private VimVCenter vc;
    private final List<PropertyChange> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        vc = VimVCenter.open(SIM.simulator().connectionSettings(64), new VimVCenter.Tuning(2, 100));
        vc.addChangeListener(changes::add);
    }

    @AfterEach
    void close() {
        vc.close();
    }

    private MoRef cloneVm() {
        MoRef src = vc.findByInventoryPath(LifecycleTest.VPX_VM).orElseThrow();
        String uid = UUID.randomUUID().toString();
        CloneRequest r = new CloneRequest(src, CloneType.FULL, null, "r-" + uid.substring(0, 8), null, null, null, null, uid,
                Map.of("testvm.dev/uid", uid), null, null, null, false);
        return Tasks.awaitSuccess(vc, vc.startClone(r));
    }

    private long reads() {
        return vc.requestStats().count("RetrievePropertiesEx");
    }

    /** Waits until the watcher's report of the VM arrived (its first report names its power state). */
    private void followAndAwaitEnter(MoRef vm) {
        vc.follow(vm);
        await().atMost(GIVE_UP).until(() -> changes.stream().anyMatch(c -> c.object().equals(vm) && c.changedPaths().contains("name")));
    }

    @Test
    void aFollowedVmIsAnsweredFromTheWatcherAndAgreesWithVCenter() {
        MoRef vm = cloneVm();
        VmInfo read = vc.vmInfo(vm); // not followed yet: read
        followAndAwaitEnter(vm);

        long before = reads();
        VmInfo held = vc.vmInfo(vm);
        vc.vmInfo(vm);
        assertThat(reads() - before).as("RetrievePropertiesEx for a VM the watcher holds").isZero();
        assertThat(held).isEqualTo(read);

        // After a power-on the VM may be read for a moment (the task may be reported ended before
        // its VM's change), but once the watcher caught up it answers again, with the new state.
        MoRef task = vc.startPowerOn(vm);
        vc.follow(task);
        await().atMost(GIVE_UP).until(() -> changes.stream().anyMatch(c -> c.object().equals(task) && c.changedPaths().contains("info.state"))
                && vc.taskInfo(task).state().done());
        assertThat(vc.vmInfo(vm).powerState()).isEqualTo(PowerState.POWERED_ON);
        // Once a poll sent after that answer came back (the next one is then sent), the watcher has caught up.
        long polls = vc.requestStats().count("WaitForUpdatesEx");
        await().atMost(GIVE_UP).until(() -> vc.requestStats().count("WaitForUpdatesEx") >= polls + 2);
        before = reads();
        assertThat(vc.taskInfo(task).state()).isEqualTo(TaskInfo.State.SUCCESS);
        vc.vmInfo(vm);
        assertThat(reads() - before).as("RetrievePropertiesEx for the task and the VM the watcher holds").isZero();
        cleanUp(vm, true);
    }

    /**
     * The watcher leaves the device list out (the simulator's collector recomputed it for every
     * followed VM on every change), so a followed VM never read here is read whole first; once the watcher
     * caught up with that read it answers, with the NICs of that read.
     */
    @Test
    void aFollowedVmIsReadOnceForItsDevicesThenAnsweredFromTheWatcher() {
        MoRef vm = cloneVm();
        followAndAwaitEnter(vm);

        long before = reads();
        VmInfo first = vc.vmInfo(vm);
        assertThat(reads() - before).as("the devices are read").isEqualTo(1);
        assertThat(first.virtualNics()).isNotEmpty();
        // A read of a followed VM makes the watcher's values stand aside until a later poll came back.
        long polls = vc.requestStats().count("WaitForUpdatesEx");
        await().atMost(GIVE_UP).until(() -> vc.requestStats().count("WaitForUpdatesEx") >= polls + 2);
        before = reads();
        VmInfo held = vc.vmInfo(vm);
        assertThat(reads() - before).as("RetrievePropertiesEx once the devices are known").isZero();
        assertThat(held).isEqualTo(first);
        cleanUp(vm, false);
    }

    /** A task started here is followed at once; asking about it until its end costs no read. */
    @Test
    void aTaskStartedHereIsAnsweredWithoutReads() {
        MoRef vm = cloneVm();
        followAndAwaitEnter(vm); // the watcher runs
        long before = reads();
        MoRef task = vc.startPowerOn(vm);
        assertThat(vc.taskInfo(task).state()).isIn(TaskInfo.State.QUEUED, TaskInfo.State.RUNNING, TaskInfo.State.SUCCESS);
        assertThat(Tasks.await(vc, task).state()).isEqualTo(TaskInfo.State.SUCCESS);
        assertThat(reads() - before).as("RetrievePropertiesEx for a task started here").isZero();
        cleanUp(vm, true);
    }

    @Test
    void aVmNotFollowedIsRead() {
        MoRef vm = cloneVm();
        long before = reads();
        vc.vmInfo(vm);
        vc.vmInfo(vm);
        assertThat(reads() - before).isEqualTo(2);
        cleanUp(vm, false);
    }

    /**
     * A task seen ended by a read, before the watcher reported it: the watcher's values of its VM
     * may be older than the task's end, so the VM is read until a later poll came back.
     */
    @Test
    void aVmWhoseTaskWasSeenEndedByAReadIsReadUntilTheWatcherCaughtUp() {
        MoRef vm = cloneVm();
        followAndAwaitEnter(vm);
        MoRef task = vc.startPowerOn(vm);
        // Not followed by us: taskInfo reads it from vCenter (the client follows its own tasks only "soon").
        TaskInfo info = Tasks.await(vc, task);
        assertThat(info.state()).isEqualTo(TaskInfo.State.SUCCESS);
        // Whatever the watcher delivered meanwhile, the answer is the VM as vCenter has it now.
        assertThat(vc.vmInfo(vm).powerState()).isEqualTo(PowerState.POWERED_ON);
        cleanUp(vm, true);
    }

    @Test
    void aVmOurDestroyRemovedIsGoneWithoutAsking() {
        MoRef vm = cloneVm();
        followAndAwaitEnter(vm);
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));
        long before = reads();
        assertThatThrownBy(() -> vc.vmInfo(vm)).isInstanceOf(ManagedObjectNotFoundException.class);
        assertThat(reads() - before).isZero();
    }

    private void cleanUp(MoRef vm, boolean on) {
        if (on) {
            Tasks.awaitSuccess(vc, vc.startPowerOff(vm));
        }
        Tasks.awaitSuccess(vc, vc.startDestroy(vm));
    }
}
