package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.TestVM;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.testsupport.StatusRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eight TestVMs against an operator allowed 2 vCenter tasks at once: they are cloned in the order
 * they were created (first come, first served), the simulator never runs more than 2 of our tasks
 * at once, and waiting TestVMs show their place in line. Own simulator (its task peak is ours
 * alone), own operator instance, namespace {@value #NAMESPACE}.
 */
class FairTaskQueueEndToEndTest {

    static final String NAMESPACE = "fairq";
    static final int LIMIT = 2;
    static final int COUNT = 8;
    /** A linked clone of this template takes 40 simulated seconds (2 s here): long enough for a line to form. */
    static final String TEMPLATE = "slow-linked-clone";
    static final Pattern POSITION = Pattern.compile("waiting for a vCenter task slot: position \\d+ of \\d+, limit " + LIMIT);

    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.namespace(NAMESPACE, SIM);

    @Test
    void waitersAreClonedInCreationOrderWithinTheTaskBound() {
        Simulator simulator = SIM.simulator();
        simulator.addTemplate(TEMPLATE, "ubuntu-22.04", Map.of("cloneSeconds.linked", "40"), List.of(), false);
        LocalOperator operator = LocalOperator.start(E2E.client(), simulator, NAMESPACE, o -> {}, LIMIT);
        try (StatusRecorder recorder = new StatusRecorder(E2E.client(), NAMESPACE)) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= COUNT; i++) {
                String name = "fair-" + i;
                names.add(name);
                E2E.client().resource(testVM(NAMESPACE, name, "Templates/" + TEMPLATE, CloneTypeSpec.linked)).create();
                // The next one is created only once this one has asked for a slot: creation order = asking order.
                await().atMost(Duration.ofSeconds(60)).until(() -> E2E.get(name), FairTaskQueueEndToEndTest::askedForSlot);
            }
            await().atMost(Duration.ofSeconds(240)).until(() -> names.stream().map(E2E::get).allMatch(TestVMs::isReady));

            List<String> byCloneStart = names.stream()
                    .sorted(Comparator.comparing(n -> Instant.parse(E2E.get(n).getStatus().getMilestones().getCloneStartedAt())))
                    .toList();
            assertThat(byCloneStart).as("clone start order").containsExactlyElementsOf(names);
            assertThat(simulator.stats().peakConcurrentTasks()).as("tasks running at once in the simulator").isEqualTo(LIMIT);
            List<String> shownInLine = names.stream()
                    .filter(n -> recorder.anyMatch(n, t -> POSITION.matcher(TestVMs.message(t, ConditionTypes.READY)).matches()
                            && "WaitingForCapacity".equals(TestVMs.reason(t, ConditionTypes.READY))))
                    .toList();
            assertThat(shownInLine).as("TestVMs whose status showed their place in line").isNotEmpty();
            assertThat(names.stream().flatMap(n -> recorder.versions(n).stream())
                    .map(t -> TestVMs.message(t, ConditionTypes.READY))
                    .filter(m -> m.contains("position")))
                    .as("positions shown").anyMatch(m -> !m.contains("position 1 of"));

            E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).delete();
            await().atMost(Duration.ofSeconds(120)).until(() -> E2E.client().resources(TestVM.class).inNamespace(NAMESPACE).list().getItems().isEmpty());
            assertThat(simulator.vms()).noneMatch(vm -> String.valueOf(vm.get("name")).startsWith(NAMESPACE + "-"));
            assertThat(simulator.stats().peakConcurrentTasks()).as("also while deleting").isEqualTo(LIMIT);
        } finally {
            operator.stop();
        }
    }

    private static boolean askedForSlot(TestVM testVM) {
        if (testVM == null || testVM.getStatus() == null) {
            return false;
        }
        boolean started = testVM.getStatus().getMilestones() != null && testVM.getStatus().getMilestones().getCloneStartedAt() != null;
        return started || "WaitingForCapacity".equals(TestVMs.reason(testVM, ConditionTypes.READY));
    }
}
