package dev.testvm.testsupport;

import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The end-to-end test setup in one place: a client for the real API server, the test's namespace,
 * the simulator, {@link #get(String)}, a {@link TestVMFixture}, the guest-login Secret, and
 * optionally an operator for the class; after each test, faults are cleared and the test's
 * TestVMs deleted and awaited gone.
 *
 * <p>Against the in-process Quarkus operator ({@code @QuarkusTest} classes):
 * <pre>{@code
 * @RegisterExtension
 * static final EndToEnd E2E = EndToEnd.inProcessOperator().guestSecret(SECRET).recordStatuses();
 * }</pre>
 * On a namespace of its own, with the class's simulator and optionally an operator of its own:
 * <pre>{@code
 * static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05);
 * @RegisterExtension
 * static final EndToEnd E2E = EndToEnd.namespace("faults", SIM).withOperator().cleanUpAfterEach();
 * }</pre>
 * The simulator need not be registered itself: this extension starts it unless it runs already,
 * and stops what it started after the class's operator.
 */
public final class EndToEnd implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String namespace;
    private final SimulatorExtension simulatorExtension;
    private final List<Consumer<Simulator>> beforeAll = new ArrayList<>();
    private final List<Consumer<Simulator>> beforeEach = new ArrayList<>();
    private final List<Class<? extends HasMetadata>> deletedAfterEach = new ArrayList<>(List.of(TestVM.class));
    private final List<Runnable> afterCleanUp = new ArrayList<>();
    private boolean cleanUpAfterEach;
    private Duration timeout = Duration.ofSeconds(90);
    private String guestSecret;
    private boolean recordStatuses;
    private Consumer<ConfigurationServiceOverrider> operatorOverrides;
    private int operatorMaxTasks;

    private KubernetesClient client;
    private boolean startedSimulator;
    private LocalOperator operator;
    private StatusRecorder statuses;

    private EndToEnd(String namespace, SimulatorExtension simulatorExtension) {
        this.namespace = namespace;
        this.simulatorExtension = simulatorExtension;
    }

    /**
     * The operator Quarkus runs in-process ({@link OperatorTestEnvironment}): its namespace, its
     * simulator and its client. Cleans up after each test.
     */
    public static EndToEnd inProcessOperator() {
        return new EndToEnd(OperatorTestEnvironment.NAMESPACE, null).cleanUpAfterEach();
    }

    /** A namespace of the test's own, which the in-process operator ignores, and {@code simulator}. */
    public static EndToEnd namespace(String namespace, SimulatorExtension simulator) {
        return new EndToEnd(namespace, simulator);
    }

    // --- configuration

    /** After each test: simulator faults cleared, TestVMs (and {@link #alsoDelete} kinds) deleted and awaited gone. */
    public EndToEnd cleanUpAfterEach() {
        this.cleanUpAfterEach = true;
        return this;
    }

    /** More kinds deleted after each test, before TestVMs (e.g. pools, which would make new ones). */
    public EndToEnd alsoDelete(Class<? extends HasMetadata> kind) {
        deletedAfterEach.add(deletedAfterEach.size() - 1, kind);
        return this;
    }

    /** Runs after each test's clean-up (e.g. waiting until the simulator has no VM of the test left). */
    public EndToEnd afterCleanUp(Runnable check) {
        afterCleanUp.add(check);
        return this;
    }

    /** How long the clean-up waits for the TestVMs to be gone (default 90 s). */
    public EndToEnd timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** A Secret {@code name} with the simulator's guest login, applied before and deleted after each test. */
    public EndToEnd guestSecret(String name) {
        this.guestSecret = name;
        return this;
    }

    /** Records every TestVM version a watch delivers during each test ({@link #statuses()}). */
    public EndToEnd recordStatuses() {
        this.recordStatuses = true;
        return this;
    }

    /** Runs on the simulator before the class's operator starts (e.g. adding templates). */
    public EndToEnd beforeAll(Consumer<Simulator> setUp) {
        beforeAll.add(setUp);
        return this;
    }

    /** Runs on the simulator before each test (e.g. ensuring templates exist). */
    public EndToEnd beforeEach(Consumer<Simulator> setUp) {
        beforeEach.add(setUp);
        return this;
    }

    /** Starts a {@link LocalOperator} on the namespace for the whole class. */
    public EndToEnd withOperator() {
        return withOperator(o -> {}, 0);
    }

    /** As {@link #withOperator()}, with JOSDK overrides and at most {@code maxConcurrentTasks} vCenter tasks (0: default). */
    public EndToEnd withOperator(Consumer<ConfigurationServiceOverrider> overrides, int maxConcurrentTasks) {
        this.operatorOverrides = overrides;
        this.operatorMaxTasks = maxConcurrentTasks;
        return this;
    }

    // --- what tests use

    /** For {@link #inProcessOperator()} the client Quarkus made (found when first asked, once Quarkus runs). */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = simulatorExtension == null ? OperatorTestEnvironment.client() : KubeApiServers.newClient();
        }
        return client;
    }

    public String namespace() {
        return namespace;
    }

    public Simulator simulator() {
        return simulatorExtension == null ? OperatorTestEnvironment.simulator() : simulatorExtension.simulator();
    }

    /** The TestVM {@code name} in the namespace, null if there is none. */
    public TestVM get(String name) {
        return client().resources(TestVM.class).inNamespace(namespace).withName(name).get();
    }

    /** All TestVMs in the namespace. */
    public List<TestVM> testVMs() {
        return client().resources(TestVM.class).inNamespace(namespace).list().getItems();
    }

    /** A TestVM to build or create in the namespace. */
    public TestVMFixture testVM(String name) {
        return new TestVMFixture(client(), namespace, name);
    }

    /** The class's operator ({@link #withOperator()}). */
    public LocalOperator operator() {
        if (operator == null) {
            throw new IllegalStateException("no operator for the class: configure EndToEnd.withOperator()");
        }
        return operator;
    }

    /** What the watch delivered during this test ({@link #recordStatuses()}). */
    public StatusRecorder statuses() {
        if (statuses == null) {
            throw new IllegalStateException("statuses are recorded only during a test with EndToEnd.recordStatuses()");
        }
        return statuses;
    }

    /** Deletes every TestVM of the namespace and waits until they are gone. */
    public void deleteAllTestVMs() {
        deleteAndAwait(TestVM.class);
    }

    // --- lifecycle

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (simulatorExtension != null && !simulatorExtension.running()) {
            simulatorExtension.beforeAll(context);
            startedSimulator = true;
        }
        if (simulatorExtension != null) {
            LocalOperator.prepare(client(), namespace);
        }
        beforeAll.forEach(setUp -> setUp.accept(simulator()));
        if (operatorOverrides != null) {
            operator = operatorMaxTasks > 0
                    ? LocalOperator.start(client(), simulator(), namespace, operatorOverrides, operatorMaxTasks)
                    : LocalOperator.start(client(), simulator(), namespace, operatorOverrides);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        KubernetesClient client = client();
        beforeEach.forEach(setUp -> setUp.accept(simulator()));
        if (guestSecret != null) {
            client.resource(new SecretBuilder().withNewMetadata().withName(guestSecret).withNamespace(namespace).endMetadata()
                    .addToStringData("username", Simulator.GUEST_USER)
                    .addToStringData("password", Simulator.GUEST_PASSWORD).build()).serverSideApply();
        }
        if (recordStatuses) {
            statuses = new StatusRecorder(client, namespace);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (statuses != null) {
            statuses.close();
            statuses = null;
        }
        if (cleanUpAfterEach) {
            Simulator simulator = simulator();
            simulator.clearFaults();
            simulator.unreachable(false);
            deletedAfterEach.forEach(kind -> client.resources(kind).inNamespace(namespace).delete());
            Awaitility.await().atMost(timeout).until(() -> deletedAfterEach.stream()
                    .allMatch(kind -> client.resources(kind).inNamespace(namespace).list().getItems().isEmpty()));
            afterCleanUp.forEach(Runnable::run);
        }
        if (guestSecret != null) {
            client.secrets().inNamespace(namespace).withName(guestSecret).delete();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
        if (client != null && simulatorExtension != null) {
            client.close(); // the in-process operator's client is Quarkus's to close
        }
        client = null;
        if (startedSimulator) {
            startedSimulator = false;
            simulatorExtension.afterAll(context);
        }
    }

    private void deleteAndAwait(Class<? extends HasMetadata> kind) {
        client().resources(kind).inNamespace(namespace).delete();
        Awaitility.await().atMost(timeout).until(() -> client().resources(kind).inNamespace(namespace).list().getItems().isEmpty());
    }
}
