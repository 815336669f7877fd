package dev.testvm.reconciler;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.tasks.TaskSlotQueue;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.vsphere.MoRef;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task-slot line over thousands of random interleavings of TestVMs asking for a slot, failing
 * (bad template, missing snapshot, failed task), being deleted, and the operator restarting, all
 * through the real reconciler against {@link FakeVCenter}. After every step the line holds exactly
 * the TestVMs whose last pass ended waiting for a slot; at the end every TestVM that can get
 * somewhere does, with failed TestVMs standing around. Seed printed; replay with -DtaskLineSeed=N.
 */
class TaskSlotLineRandomizedTest {

    private static final String GOOD = "Templates/ubuntu-22.04";
    private static final List<String> BAD = List.of("Templates/typo", "Templates/no-snapshot");
    private static final int RUNS = 150;
    private static final int STEPS = 120;

    private final Random random = seeded();
    private FakeVCenter vcenter;
    private TestVMReconciler reconciler;
    private final List<TestVM> live = new ArrayList<>();
    private final List<TestVM> deleting = new ArrayList<>();
    /** UIDs whose last pass (since the last restart) ended waiting for a slot: who the line must hold. */
    private final Set<String> waiting = new HashSet<>();
    private int created;

    private static Random seeded() {
        long seed = Long.getLong("taskLineSeed", System.nanoTime());
        System.out.println("TaskSlotLineRandomizedTest seed " + seed + " (replay: -DtaskLineSeed=" + seed + ")");
        return new Random(seed);
    }

    @Test
    void theLineHoldsOnlyWaitingTestVmsAndNobodyIsStuckBehindAFailedOne() {
        for (int run = 0; run < RUNS; run++) {
            newWorld();
            for (int step = 0; step < STEPS; step++) {
                randomStep();
                assertLineHoldsExactlyTheWaiters();
            }
            drain();
        }
    }

    private void newWorld() {
        vcenter = new FakeVCenter();
        vcenter.addTemplate("DC0/vm/" + GOOD, true);
        vcenter.addTemplate("DC0/vm/Templates/no-snapshot", false);
        vcenter.taskLimit = 1 + random.nextInt(3);
        reconciler = TestVMReconcilerTest.newReconciler(vcenter);
        live.clear();
        deleting.clear();
        waiting.clear();
    }

    private void randomStep() {
        int roll = random.nextInt(100);
        if (roll < 12 || live.isEmpty() && deleting.isEmpty()) {
            create();
        } else if (roll < 55) {
            pass(pick());
        } else if (roll < 70) {
            finishATask(true);
        } else if (roll < 75) {
            finishATask(false);
        } else if (roll < 85 && !live.isEmpty()) {
            delete(live.get(random.nextInt(live.size())));
        } else if (roll < 88) {
            restart();
        } else {
            pass(pick());
        }
    }

    private TestVM pick() {
        int i = random.nextInt(live.size() + deleting.size());
        return i < live.size() ? live.get(i) : deleting.get(i - live.size());
    }

    private void create() {
        boolean bad = random.nextInt(5) < 2;
        String template = bad ? BAD.get(random.nextInt(BAD.size())) : GOOD;
        TestVM testVM = TestVMReconcilerTest.testVM(template, CloneTypeSpec.linked);
        testVM.getMetadata().setName("t" + created++);
        live.add(testVM);
    }

    private void pass(TestVM testVM) {
        if (deleting.contains(testVM)) {
            DeleteControl control = reconciler.cleanup(testVM, null);
            if (control.isRemoveFinalizer()) {
                deleting.remove(testVM);
                waiting.remove(testVM.getMetadata().getUid());
            } else {
                noteWaiting(testVM, control.getScheduleDelay().orElse(0L));
            }
            return;
        }
        UpdateControl<TestVM> control = reconciler.reconcile(testVM, null);
        noteWaiting(testVM, control.getScheduleDelay().orElse(0L));
    }

    /** Only a pass that waits for a slot comes back after {@link TestVMReconciler#CAPACITY_RETRY}. */
    private void noteWaiting(TestVM testVM, long delay) {
        if (delay == TestVMReconciler.CAPACITY_RETRY.toMillis()) {
            waiting.add(testVM.getMetadata().getUid());
        } else {
            waiting.remove(testVM.getMetadata().getUid());
        }
    }

    private void finishATask(boolean success) {
        List<MoRef> running = vcenter.runningTasks();
        if (running.isEmpty()) {
            return;
        }
        MoRef task = running.get(random.nextInt(running.size()));
        if (success) {
            vcenter.complete(task);
        } else {
            vcenter.fail(task, "SystemError", "the task failed");
        }
    }

    private void delete(TestVM testVM) {
        live.remove(testVM);
        testVM.getMetadata().setDeletionTimestamp(Instant.now().toString());
        deleting.add(testVM);
    }

    /** A new operator process: its line is empty until the TestVMs' next passes. */
    private void restart() {
        reconciler = TestVMReconcilerTest.newReconciler(vcenter);
        waiting.clear();
    }

    private void assertLineHoldsExactlyTheWaiters() {
        TaskSlotQueue line = reconciler.taskSlotQueue();
        assertThat(line.waiting()).as("TestVMs in line").isEqualTo(waiting.size());
        for (TestVM each : allTestVMs()) {
            String uid = each.getMetadata().getUid();
            assertThat(line.position(uid).isPresent())
                    .as("%s (%s) in line", each.getMetadata().getName(), each.getStatus() == null ? null : each.getStatus().getPhase())
                    .isEqualTo(waiting.contains(uid));
        }
    }

    /**
     * Lets every task finish and every TestVM run passes until nothing changes: all good TestVMs
     * get their VM powered on, all bad ones fail, all deleted ones go; none waits forever for a slot.
     */
    private void drain() {
        for (int round = 0; round < 200 && !settled(); round++) {
            vcenter.completeAll();
            for (TestVM each : allTestVMs()) {
                pass(each);
            }
        }
        assertThat(deleting).as("deleted TestVMs whose finalizer is still held").isEmpty();
        for (TestVM each : live) {
            Phase phase = each.getStatus().getPhase();
            assertThat(phase).as("%s of template %s", each.getMetadata().getName(), each.getSpec().getTemplate())
                    .isIn(Phase.WaitingForIP, Phase.Failed);
            if (!GOOD.equals(each.getSpec().getTemplate())) {
                assertThat(phase).isEqualTo(Phase.Failed);
            }
        }
        assertThat(reconciler.taskSlotQueue().waiting()).isZero();
    }

    private boolean settled() {
        return deleting.isEmpty() && vcenter.runningTasks().isEmpty() && live.stream().allMatch(t -> t.getStatus() != null
                && (t.getStatus().getPhase() == Phase.WaitingForIP || t.getStatus().getPhase() == Phase.Failed));
    }

    private List<TestVM> allTestVMs() {
        List<TestVM> all = new ArrayList<>(live);
        all.addAll(deleting);
        return all;
    }
}
