package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Milestones;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.testsupport.CrashingOperator;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.vim.VimVCenter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator as a JVM of its own, killed with SIGKILL (no shutdown, no logout, work in flight
 * lost) and started again. Whatever the moment of death, every TestVM ends as asked, with exactly
 * one clone, and no VM is left behind. Runs on namespace {@value #NAMESPACE}, which the in-process
 * Quarkus operator ignores.
 *
 * <p>The random kills use a seed printed at the start; {@code -DcrashSeed=N} replays one.
 */
class OperatorCrashTest {

    static final String NAMESPACE = "crash";
    static final int LIFECYCLES = 50;
    static final int IN_FLIGHT = 6;
    static final int MAX_KILLS = 15;
    static final Duration OPERATOR_START = Duration.ofSeconds(90);
    static final Path LOGS = Path.of("target", "operator-crash");

    /** Linked clone 0.05 s, full 0.5 s, IP about 2.5 s after power-on. */
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @RegisterExtension
    static final CrashingOperator OPERATOR = new CrashingOperator(SIM, NAMESPACE, LOGS, 4000).startTimeout(OPERATOR_START);

    @Test
    void killedAtRandomPointsAcrossFiftyLifecyclesLeavesNoDuplicateAndNoLeak() {
        Random random = OPERATOR.seeded("crashSeed", "OperatorCrashTest");
        long seed = OPERATOR.seed();
        Simulator simulator = SIM.simulator();
        long clonesBefore = clones(simulator);
        CloneTypeSpec[] types = {CloneTypeSpec.linked, CloneTypeSpec.full, CloneTypeSpec.instant};

        List<Lifecycle> lifecycles = new ArrayList<>();
        for (int i = 0; i < LIFECYCLES; i++) {
            CloneTypeSpec type = types[random.nextInt(types.length)];
            String template = type == CloneTypeSpec.instant ? "Templates/instant-parent" : "Templates/ubuntu-22.04";
            lifecycles.add(new Lifecycle(testVM(NAMESPACE, "crash-" + i, template, type)));
        }

        OPERATOR.start();
        OPERATOR.scheduleKill();
        int maxVmsPerUid = 0;
        List<String> failures = new ArrayList<>();
        Map<String, TestVM> current = Map.of();
        Map<String, Integer> killedDuring = new java.util.TreeMap<>();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(8));
        Instant started = Instant.now();

        while (lifecycles.stream().anyMatch(l -> l.state != State.DONE)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("lifecycles not done after 8 minutes (seed " + seed + "): "
                        + lifecycles.stream().filter(l -> l.state != State.DONE).map(Lifecycle::toString).toList());
            }
            if (OPERATOR.killDue(MAX_KILLS)) {
                // What the kill interrupts, as of the last look at the API server.
                current.values().forEach(t -> killedDuring.merge(
                        t.getMetadata().getDeletionTimestamp() != null ? "Deleting"
                                : t.getStatus() == null || t.getStatus().getPhase() == null ? "New" : t.getStatus().getPhase().name(),
                        1, Integer::sum));
                OPERATOR.killAndRestart();
            }
            current = E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().stream()
                    .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
            long inFlight = lifecycles.stream().filter(l -> l.state == State.CREATED || l.state == State.DELETING).count();
            for (Lifecycle lifecycle : lifecycles) {
                TestVM seen = current.get(lifecycle.name());
                switch (lifecycle.state) {
                    case WAITING -> {
                        if (inFlight < IN_FLIGHT) {
                            lifecycle.created = E2E.client().resource(lifecycle.testVM).create();
                            lifecycle.state = State.CREATED;
                            inFlight++;
                        }
                    }
                    case CREATED -> {
                        TestVMs.failed(seen).ifPresent(c -> failures.add(lifecycle.name() + ": " + c.getReason() + " " + c.getMessage()));
                        if (TestVMs.isReady(seen) || TestVMs.failed(seen).isPresent()) {
                            E2E.client().resource(seen).delete();
                            lifecycle.state = State.DELETING;
                        }
                    }
                    case DELETING -> {
                        if (seen == null) {
                            lifecycle.state = State.DONE;
                        }
                    }
                    case DONE -> { }
                }
            }
            maxVmsPerUid = Math.max(maxVmsPerUid, maxVmsPerUid(simulator));
            CrashingOperator.pause(Duration.ofMillis(200));
        }
        Duration took = Duration.between(started, Instant.now());
        long clones = clones(simulator) - clonesBefore;
        List<Map<String, Object>> leftover = simulator.vms().stream().filter(vm -> !"".equals(vm.get("uid"))).toList();
        System.out.printf("[OperatorCrashTest] seed %d: %d lifecycles, %d kills, %d operator starts, %d clone tasks, "
                + "max %d VMs per UID, %d VMs left, took %s; TestVMs in flight at the kills by phase: %s%n", seed, LIFECYCLES, OPERATOR.kills(),
                OPERATOR.starts(), clones, maxVmsPerUid, leftover.size(), took, killedDuring);

        assertThat(failures).as("TestVMs that failed (seed " + seed + ")").isEmpty();
        assertThat(OPERATOR.kills()).as("the operator was killed").isGreaterThan(0);
        assertThat(maxVmsPerUid).as("VMs carrying one TestVM's UID at any time (seed " + seed + ")").isLessThanOrEqualTo(1);
        assertThat(clones).as("clone tasks for %d TestVMs (seed %d)", LIFECYCLES, seed).isEqualTo(LIFECYCLES);
        assertThat(leftover).as("VMs left after every TestVM was deleted (seed " + seed + ")").isEmpty();
        assertThat(E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems()).as("TestVMs stuck with a finalizer").isEmpty();
    }

    /**
     * The narrowest window, made on purpose: the operator wrote its clone intent and vCenter started
     * the clone, but the operator died before {@code status.taskRef} was recorded. The VM appears
     * only when the clone ends, so a successor must wait for that clone rather than clone again.
     */
    @Test
    void killedBetweenStartingTheCloneAndRecordingItMakesOneVm() {
        Simulator simulator = SIM.simulator();
        simulator.addTemplate("crash-slow-full", "ubuntu-22.04", Map.of("cloneSeconds.full", "100"), List.of(), false);
        long clonesBefore = clones(simulator);
        TestVM testVM = cloneStartedByADeadOperator("crash-window", "Templates/crash-slow-full");

        OPERATOR.start();
        TestVM ready = await().atMost(Duration.ofSeconds(120)).until(() -> E2E.get("crash-window"), TestVMs::isReady);
        assertThat(clones(simulator) - clonesBefore).as("clone tasks").isEqualTo(1);
        assertThat(TestVMs.simulatorVms(simulator, ready)).hasSize(1);
        assertThat(ready.getStatus().getVm().getInstanceUUID()).isEqualTo(testVM.getMetadata().getUid());

        E2E.client().resource(ready).delete();
        await().atMost(Duration.ofSeconds(120)).until(() -> E2E.get("crash-window") == null);
        assertThat(TestVMs.simulatorVms(simulator, ready)).isEmpty();
    }

    /** The same window, and the TestVM is deleted before any operator runs again: the clone it did not record must not leak. */
    @Test
    void deletedAfterACloneNobodyRecordedLeavesNoVm() {
        Simulator simulator = SIM.simulator();
        simulator.addTemplate("crash-slow-full-2", "ubuntu-22.04", Map.of("cloneSeconds.full", "100"), List.of(), false);
        long clonesBefore = clones(simulator);
        TestVM testVM = cloneStartedByADeadOperator("crash-window-deleted", "Templates/crash-slow-full-2");
        E2E.client().resource(testVM).delete();

        OPERATOR.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> E2E.get("crash-window-deleted") == null);
        // A finalizer released too early shows only once the clone has made its VM.
        try (VCenter vc = VimVCenter.connect(simulator.connectionSettings())) {
            MoRef source = vc.findByInventoryPath("DC0/vm/Templates/crash-slow-full-2").orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() -> vc.activeCloneTasks(source).isEmpty());
        }
        assertThat(TestVMs.simulatorVms(simulator, testVM)).as("VMs of the deleted TestVM").isEmpty();
        assertThat(clones(simulator) - clonesBefore).as("clone tasks").isEqualTo(1);
    }

    /**
     * Leaves what an operator killed right after {@code CloneVM_Task} leaves: the TestVM with its
     * finalizer and the clone intent in status, and a full clone running in vCenter for its UID.
     */
    private TestVM cloneStartedByADeadOperator(String name, String template) {
        TestVM testVM = testVM(NAMESPACE, name, template, CloneTypeSpec.full);
        testVM.getMetadata().setFinalizers(List.of("testvms.testvm.dev/finalizer"));
        TestVM created = E2E.client().resource(testVM).create();
        TestVMStatus intent = new TestVMStatus();
        intent.setPhase(Phase.Cloning);
        Milestones milestones = new Milestones();
        milestones.setCloneStartedAt(Instant.now().toString());
        intent.setMilestones(milestones);
        created.setStatus(intent);
        created = E2E.client().resource(created).updateStatus();

        String uid = created.getMetadata().getUid();
        try (VCenter vc = VimVCenter.connect(SIM.simulator().connectionSettings())) {
            MoRef source = vc.findByInventoryPath("DC0/vm/" + template).orElseThrow();
            vc.startClone(new CloneRequest(source, CloneType.FULL, null, NAMESPACE + "-" + name + "-" + uid.substring(0, 8),
                    null, null, null, null, uid, Map.of("testvm.dev/uid", uid), null, null, null, false));
            assertThat(vc.activeCloneTasks(source)).as("the clone is still running").hasSize(1);
        }
        assertThat(TestVMs.simulatorVms(SIM.simulator(), created)).as("no VM before the clone ends").isEmpty();
        return created;
    }

    private static long clones(Simulator simulator) {
        Simulator.Stats stats = simulator.stats();
        return stats.tasks("CloneVM_Task") + stats.tasks("InstantClone_Task");
    }

    private static int maxVmsPerUid(Simulator simulator) {
        Map<Object, Integer> perUid = new HashMap<>();
        simulator.vms().stream().filter(vm -> !"".equals(vm.get("uid"))).forEach(vm -> perUid.merge(vm.get("uid"), 1, Integer::sum));
        return perUid.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private enum State { WAITING, CREATED, DELETING, DONE }

    private static final class Lifecycle {
        final TestVM testVM;
        TestVM created;
        State state = State.WAITING;

        Lifecycle(TestVM testVM) {
            this.testVM = testVM;
        }

        String name() {
            return testVM.getMetadata().getName();
        }

        @Override
        public String toString() {
            return name() + " " + testVM.getSpec().getCloneType() + " " + state;
        }
    }
}
