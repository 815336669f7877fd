package dev.testvm.e2e;

import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.MutableClock;
import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.sweeper.OrphanSweeper;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.vim.VimVCenter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orphan sweeper against the real API server and the simulator: a VM whose TestVM was
 * deleted with its finalizer stripped (so no operator destroyed it) is destroyed once the grace
 * period has passed, not before; the simulator's own VMs (no {@code testvm.dev/uid}), its
 * templates and the VM of a live TestVM survive. The grace period runs on a clock the test moves;
 * everything else is real. Own simulator and operator instance, namespace {@value #NAMESPACE}.
 */
class OrphanSweeperEndToEndTest {

    static final String NAMESPACE = "sweeper";
    static final Duration GRACE = Duration.ofMinutes(15);

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @Test
    void anOrphanIsDestroyedAfterTheGracePeriodAndNothingElseIsTouched() {
        Simulator simulator = SIM.simulator();
        LocalOperator operator = LocalOperator.start(E2E.client(), simulator, NAMESPACE, o -> {});
        TestVM orphaned = E2E.client().resource(testVM(NAMESPACE, "orphaned", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        TestVM live = E2E.client().resource(testVM(NAMESPACE, "live", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        await().atMost(Duration.ofSeconds(120)).until(() -> TestVMs.isReady(E2E.get("orphaned")) && TestVMs.isReady(E2E.get("live")));
        String orphanVm = E2E.get("orphaned").getStatus().getVm().getName();

        // The TestVM goes away without its finalizer running: no operator runs meanwhile.
        operator.stop();
        E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).withName("orphaned").edit(t -> {
            t.getMetadata().setFinalizers(List.of());
            return t;
        });
        E2E.client().resource(orphaned).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> E2E.get("orphaned") == null);
        assertThat(TestVMs.simulatorVms(simulator, orphaned)).as("the orphan").hasSize(1);
        operator = LocalOperator.start(E2E.client(), simulator, NAMESPACE, o -> {});

        // Another cluster's TestVM VM on the same vCenter: carries our UID key, but that cluster's name.
        try (VCenter other = VimVCenter.connect(simulator.connectionSettings())) {
            String otherUid = UUID.randomUUID().toString();
            MoRef template = other.findByInventoryPath("DC0/vm/Templates/ubuntu-22.04").orElseThrow();
            MoRef task = other.startClone(new CloneRequest(template, CloneType.FULL, null, "other-cluster-vm", null, null, null, null,
                    otherUid, Map.of("testvm.dev/uid", otherUid, ClusterIdentity.KEY, "another-cluster"), null, null, null, false));
            await().atMost(Duration.ofSeconds(60)).until(() -> other.taskInfo(task).state().done());
            assertThat(other.taskInfo(task).state()).isEqualTo(TaskInfo.State.SUCCESS);
        }
        Map<String, String> powerBefore = powerStates(simulator);
        assertThat(powerBefore).containsKey("other-cluster-vm");
        assertThat(powerBefore.keySet()).as("the simulator's own VMs and templates").contains("DC0_H0_VM0", "ubuntu-22.04");
        MutableClock clock = new MutableClock(Instant.now());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (VCenter vcenter = VimVCenter.connect(simulator.connectionSettings());
                LogCapture log = LogCapture.start()) {
            OrphanSweeper sweeper = new OrphanSweeper(() -> vcenter, OrphanSweeper.allTestVMs(E2E.client()),
                    ClusterIdentity.of(Optional.empty(), E2E.client()), "DC0", GRACE,
                    Duration.ofSeconds(60), clock, registry);

            OrphanSweeper.Sweep first = sweeper.sweep();
            assertThat(first.keyed()).as("VMs carrying our key: the orphan, the live TestVM's and the other cluster's").isEqualTo(3);
            assertThat(first.orphans()).isEqualTo(1);
            clock.advance(GRACE.minusSeconds(1));
            assertThat(sweeper.sweep().destroyed()).isEmpty();
            assertThat(powerStates(simulator)).as("nothing destroyed or powered off before the grace period ends").isEqualTo(powerBefore);

            clock.advance(Duration.ofSeconds(1));
            assertThat(sweeper.sweep().destroyed()).containsExactly(orphanVm);
            assertThat(TestVMs.simulatorVms(simulator, orphaned)).as("the orphan").isEmpty();
            Map<String, String> expected = new java.util.HashMap<>(powerBefore);
            expected.remove(orphanVm);
            assertThat(powerStates(simulator)).as("every other VM as it was").isEqualTo(expected);
            assertThat(TestVMs.isReady(E2E.get("live"))).isTrue();
            assertThat(registry.get("testvm.orphans.destroyed").counter().count()).isEqualTo(1.0);
            assertThat(log.lines()).anyMatch(line -> line.startsWith("destroyed orphan VM " + orphanVm + " (vm-")
                    && line.contains("testvm.dev/uid=" + orphaned.getMetadata().getUid()) && line.contains("seen orphaned for PT15M"));

            assertThat(sweeper.sweep().orphans()).as("a later sweep finds nothing more").isZero();
        } finally {
            E2E.client().resource(live).delete();
            await().atMost(Duration.ofSeconds(120)).until(() -> E2E.get("live") == null);
            operator.stop();
        }
        assertThat(TestVMs.simulatorVms(simulator, live)).isEmpty();
    }

    private static Map<String, String> powerStates(Simulator simulator) {
        return simulator.vms().stream().collect(Collectors.toMap(vm -> String.valueOf(vm.get("name")), vm -> String.valueOf(vm.get("powerState"))));
    }

}
