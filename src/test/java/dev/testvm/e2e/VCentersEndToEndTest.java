package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.AllowedNamespaces;
import dev.testvm.api.AllowedSources;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.ConditionTypes;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.api.VCenterResource;
import dev.testvm.api.VCenterSpec;
import dev.testvm.api.VCenterTls;
import dev.testvm.config.DiscoveryWiring;
import dev.testvm.config.OperatorConfig;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.TestVMReconciler;
import dev.testvm.reconciler.connection.VCenterLabels;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.testsupport.TestOperatorConfig;
import dev.testvm.testsupport.TestPasswords;
import dev.testvm.vcenters.VCenterReconciler;
import dev.testvm.vsphere.vim.VimVCenter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two simulators as two vCenters, served through VCenter resources by one operator (plain JOSDK
 * around the TestVM and VCenter controllers) that also has an environment vCenter configured the
 * old way: TestVMs land in the vCenter they name, with moRef values that repeat across the two;
 * the rules refuse a namespace and sources outside the allowed prefix (under several spellings)
 * before anything is cloned; credentials rotation, a TLS mismatch, an unreachable vCenter and
 * deleting a VCenter in use.
 */
class VCentersEndToEndTest {

    static final String OPERATOR_NAMESPACE = "vc-system";
    static final String TEAM_A = "vc-team-a";
    static final String TEAM_B = "vc-team-b";
    static final String LEGACY = "vc-legacy";
    private static final String LAB_PASSWORD = TestPasswords.register("lab-vcenter-pw-3141");
    private static final String PROD_PASSWORD = TestPasswords.register("prod-vcenter-pw-2718");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final SimulatorExtension LAB = new SimulatorExtension().credentials("lab-operator", LAB_PASSWORD);
    @RegisterExtension
    static final SimulatorExtension PROD = new SimulatorExtension().credentials("prod-operator", PROD_PASSWORD);
    /** The environment's vCenter of installations from before VCenter resources. */
    @RegisterExtension
    static final SimulatorExtension LEGACY_SIM = new SimulatorExtension();

    private static KubernetesClient client;
    private static Operator operator;
    private static VCenterRegistry registry;

    @BeforeAll
    static void startOperator() throws Exception {
        client = KubeApiServers.newClient();
        for (String namespace : List.of(OPERATOR_NAMESPACE, TEAM_A, TEAM_B, LEGACY)) {
            LocalOperator.prepare(client, namespace);
        }
        client.resource(new NamespaceBuilder().withNewMetadata().withName(TEAM_B).addToLabels("team", "b").endMetadata().build())
                .serverSideApply();
        Simulator legacy = LEGACY_SIM.simulator();
        registry = VCenterRegistry.of("DC0", () -> VimVCenter.connect(legacy.connectionSettings()));
        OperatorConfig config = new TestOperatorConfig(legacy.url(), "DC0", Duration.ofSeconds(2));
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        operator.register(new TestVMReconciler(registry, client, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config),
                DiscoveryWiring.of(config.discovery())),
                o -> o.settingNamespaces(TEAM_A, TEAM_B, LEGACY));
        operator.register(new VCenterReconciler(registry, client, OPERATOR_NAMESPACE, Files.createTempDirectory("vc-ca")));
        operator.start();
        secret("lab-login", "lab-operator", LAB_PASSWORD);
        secret("prod-login", "prod-operator", PROD_PASSWORD);
        apply(vcenter("lab", LAB.simulator(), "lab-login", spec -> {
            spec.setAllowedNamespaces(names(TEAM_A));
            spec.setAllowedSources(sources("DC0/vm/Templates"));
        }));
        apply(vcenter("prod", PROD.simulator(), "prod-login", spec -> {
            AllowedNamespaces allowed = new AllowedNamespaces();
            allowed.setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("team", "b").build());
            spec.setAllowedNamespaces(allowed);
        }));
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
        registry.close();
        client.close();
    }

    @Test
    void bothVCentersReportReadyWithTheirVersionAndOneSessionEach() {
        for (String name : List.of("lab", "prod")) {
            VCenterResource vc = awaitCondition(name, "Ready", "True");
            assertThat(condition(vc, "Connected").map(Condition::getReason)).contains("Connected");
            assertThat(vc.getStatus().getVersion()).isNotBlank();
            assertThat(vc.getStatus().getSessionsOpen()).isEqualTo(1);
        }
        assertThat(LAB.simulator().stats().activeSessions()).isEqualTo(1);
        assertThat(PROD.simulator().stats().activeSessions()).isEqualTo(1);
    }

    @Test
    void testVMsLandInTheVCenterTheyNameAndIdenticalMoRefsNeverCross() {
        awaitCondition("lab", "Ready", "True");
        awaitCondition("prod", "Ready", "True");
        TestVM inLab = create(onVCenter(TEAM_A, "moref-lab", "Templates/ubuntu-22.04", "lab"));
        TestVM inProd = create(onVCenter(TEAM_B, "moref-prod", "Templates/ubuntu-22.04", "prod"));
        TestVM labReady = awaitReady(TEAM_A, "moref-lab");
        TestVM prodReady = awaitReady(TEAM_B, "moref-prod");

        assertThat(labReady.getStatus().getVm().getVcenter()).isEqualTo("lab");
        assertThat(prodReady.getStatus().getVm().getVcenter()).isEqualTo("prod");
        assertThat(labReady.getStatus().getVm().getMoRef()).endsWith(":" + TestVMs.simulatorVm(LAB.simulator(), labReady).get("moRef"));
        assertThat(prodReady.getStatus().getVm().getMoRef()).endsWith(":" + TestVMs.simulatorVm(PROD.simulator(), prodReady).get("moRef"));
        assertThat(TestVMs.simulatorVms(LAB.simulator(), inProd)).isEmpty();
        assertThat(TestVMs.simulatorVms(PROD.simulator(), inLab)).isEmpty();
        // Events say which vCenter they are about: kubectl get events -l testvm.dev/vcenter=lab
        assertThat(eventsLabelled(TEAM_A, "lab")).contains("moref-lab");
        assertThat(eventsLabelled(TEAM_B, "prod")).contains("moref-prod");
        assertThat(eventsLabelled(TEAM_A, "prod")).doesNotContain("moref-lab");
        assertThat(eventsLabelled(TEAM_B, "lab")).doesNotContain("moref-prod");

        // Deleting the prod TestVM destroys its VM in prod only, even when lab has a VM of the same moRef.
        client.resource(prodReady).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_B, "moref-prod") == null);
        assertThat(TestVMs.simulatorVms(PROD.simulator(), prodReady)).isEmpty();
        assertThat(TestVMs.simulatorVms(LAB.simulator(), labReady)).hasSize(1);
        assertThat(get(TEAM_A, "moref-lab")).matches(TestVMs::isReady);
        client.resource(labReady).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_A, "moref-lab") == null);
        assertThat(TestVMs.simulatorVms(LAB.simulator(), labReady)).isEmpty();
    }

    @Test
    void aNamespaceNotAllowedIsRefusedWithNothingCloned() {
        awaitCondition("lab", "Ready", "True");
        long clones = LAB.simulator().stats().tasks("CloneVM_Task");
        TestVM refused = create(onVCenter(TEAM_B, "not-allowed", "Templates/ubuntu-22.04", "lab"));
        TestVM failed = awaitFailed(TEAM_B, "not-allowed");

        assertThat(TestVMs.reason(failed, ConditionTypes.FAILED)).isEqualTo(Reasons.NOT_ALLOWED);
        assertThat(TestVMs.message(failed, ConditionTypes.FAILED)).contains("metadata.namespace", "allowedNamespaces", TEAM_B);
        assertThat(failed.getStatus().getVcenter()).as("a refused TestVM is pinned to no vCenter").isNull();
        assertThat(LAB.simulator().stats().tasks("CloneVM_Task")).isEqualTo(clones);
        assertThat(TestVMs.simulatorVms(LAB.simulator(), refused)).isEmpty();
        // Refused before it was pinned: its Event names no vCenter.
        assertThat(client.v1().events().inNamespace(TEAM_B).withoutLabel(VCenterLabels.EVENT_LABEL).list().getItems())
                .anyMatch(e -> "not-allowed".equals(e.getInvolvedObject().getName()) && Reasons.NOT_ALLOWED.equals(e.getReason()));
        assertThat(client.v1().events().inNamespace(TEAM_B).withLabel(VCenterLabels.EVENT_LABEL).list().getItems())
                .noneMatch(e -> "not-allowed".equals(e.getInvolvedObject().getName()));
        client.resource(failed).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_B, "not-allowed") == null);
    }

    @Test
    void aSourceOutsideTheAllowedPrefixIsRefusedUnderEverySpelling() {
        awaitCondition("lab", "Ready", "True");
        long clones = LAB.simulator().stats().tasks("CloneVM_Task");
        List<String> spellings = List.of("DC0_H0_VM0", "Templates/../DC0_H0_VM0", "Templates//..//DC0_H0_VM0",
                "./Templates/../DC0_H0_VM0", "Templates%2f..%2fDC0_H0_VM0", "templates/ubuntu-22.04", "Templates-x/ubuntu-22.04");
        for (int i = 0; i < spellings.size(); i++) {
            create(onVCenter(TEAM_A, "spelling-" + i, spellings.get(i), "lab"));
        }
        for (int i = 0; i < spellings.size(); i++) {
            TestVM failed = awaitFailed(TEAM_A, "spelling-" + i);
            assertThat(TestVMs.reason(failed, ConditionTypes.FAILED)).as(spellings.get(i)).isEqualTo(Reasons.NOT_ALLOWED);
            assertThat(TestVMs.message(failed, ConditionTypes.FAILED)).as(spellings.get(i)).contains("spec.template");
            client.resource(failed).delete();
        }
        assertThat(LAB.simulator().stats().tasks("CloneVM_Task")).isEqualTo(clones);
    }

    @Test
    void theNamespaceLimitRefusesOneTestVMTooMany() {
        apply(vcenter("limited", LAB.simulator(), "lab-login", spec -> {
            spec.setAllowedNamespaces(names(TEAM_A));
            spec.setMaxTestVMsPerNamespace(1);
        }));
        awaitCondition("limited", "Ready", "True");
        create(onVCenter(TEAM_A, "first-of-one", "Templates/ubuntu-22.04", "limited"));
        TestVM first = awaitReady(TEAM_A, "first-of-one");
        long clones = LAB.simulator().stats().tasks("CloneVM_Task");
        create(onVCenter(TEAM_A, "second-of-one", "Templates/ubuntu-22.04", "limited"));
        TestVM failed = awaitFailed(TEAM_A, "second-of-one");
        assertThat(TestVMs.reason(failed, ConditionTypes.FAILED)).isEqualTo(Reasons.NOT_ALLOWED);
        assertThat(TestVMs.message(failed, ConditionTypes.FAILED)).contains("maxTestVMsPerNamespace", "already has 1");
        assertThat(LAB.simulator().stats().tasks("CloneVM_Task")).isEqualTo(clones);
        client.resource(failed).delete();
        client.resource(first).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_A, "first-of-one") == null && get(TEAM_A, "second-of-one") == null);
        client.resource(getVCenter("limited")).delete();
        await().atMost(TIMEOUT).until(() -> getVCenter("limited") == null);
    }

    @Test
    void rotatedCredentialsAndChangedTlsSettingsTakeEffectWithoutARestart() {
        secret("rotating-login", "lab-operator", TestPasswords.register("an-old-password-1618"));
        apply(vcenter("rotating", LAB.simulator(), "rotating-login", spec -> spec.setAllowedNamespaces(names(TEAM_A))));
        VCenterResource refused = awaitCondition("rotating", "Connected", "False");
        assertThat(condition(refused, "Connected").orElseThrow().getReason()).isEqualTo("LoginRefused");

        secret("rotating-login", "lab-operator", LAB_PASSWORD);
        awaitCondition("rotating", "Ready", "True");

        String wrong = "AB".repeat(31) + "CD";
        apply(vcenter("rotating", LAB.simulator(), "rotating-login", spec -> {
            spec.setAllowedNamespaces(names(TEAM_A));
            spec.getTls().setThumbprint(wrong);
        }));
        VCenterResource mismatch = await().atMost(TIMEOUT).until(() -> getVCenter("rotating"),
                vc -> condition(vc, "Connected").map(c -> "TLSMismatch".equals(c.getReason())).orElse(false));
        String message = condition(mismatch, "Connected").orElseThrow().getMessage();
        assertThat(message.replace(":", "")).contains(LAB.simulator().thumbprint().replace(":", ""), wrong);
        for (Condition c : mismatch.getStatus().getConditions()) {
            assertThat(c.getMessage()).doesNotContain(LAB_PASSWORD);
        }
        client.resource(getVCenter("rotating")).delete();
        await().atMost(TIMEOUT).until(() -> getVCenter("rotating") == null);
    }

    @Test
    void oneVCenterUnreachableWhileTheOthersTestVMsProgress() {
        awaitCondition("lab", "Ready", "True");
        awaitCondition("prod", "Ready", "True");
        PROD.simulator().unreachable(true);
        try {
            VCenterResource down = await().atMost(TIMEOUT).until(() -> getVCenter("prod"),
                    vc -> condition(vc, "Connected").map(c -> "Unreachable".equals(c.getReason())).orElse(false));
            assertThat(condition(down, "Ready").map(Condition::getStatus)).contains("False");
            TestVM waiting = create(onVCenter(TEAM_B, "while-down", "Templates/ubuntu-22.04", "prod"));
            create(onVCenter(TEAM_A, "progresses", "Templates/ubuntu-22.04", "lab"));
            TestVM ready = awaitReady(TEAM_A, "progresses");
            assertThat(TestVMs.isReady(get(TEAM_B, "while-down"))).isFalse();
            client.resource(ready).delete();
            PROD.simulator().unreachable(false);
            awaitReady(TEAM_B, "while-down");
            client.resource(waiting).delete();
            await().atMost(TIMEOUT).until(() -> get(TEAM_B, "while-down") == null && get(TEAM_A, "progresses") == null);
        } finally {
            PROD.simulator().unreachable(false);
        }
    }

    @Test
    void aVCenterInUseIsDeletedOnlyAfterItsLastTestVM() {
        apply(vcenter("retiring", LAB.simulator(), "lab-login", spec -> spec.setAllowedNamespaces(names(TEAM_A))));
        awaitCondition("retiring", "Ready", "True");
        create(onVCenter(TEAM_A, "on-retiring", "Templates/ubuntu-22.04", "retiring"));
        TestVM ready = awaitReady(TEAM_A, "on-retiring");

        client.resource(getVCenter("retiring")).delete();
        VCenterResource deleting = await().atMost(TIMEOUT).until(() -> getVCenter("retiring"),
                vc -> condition(vc, "Ready").map(c -> "Deleting".equals(c.getReason())).orElse(false));
        assertThat(deleting.getStatus().getTestVMsServed()).isEqualTo(1);
        create(onVCenter(TEAM_A, "too-late", "Templates/ubuntu-22.04", "retiring"));
        await().atMost(TIMEOUT).until(() -> get(TEAM_A, "too-late"),
                t -> Reasons.VCENTER_NOT_FOUND.equals(TestVMs.reason(t, ConditionTypes.READY)));

        client.resource(ready).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_A, "on-retiring") == null);
        assertThat(TestVMs.simulatorVms(LAB.simulator(), ready)).as("its VM destroyed through the retiring VCenter").isEmpty();
        await().atMost(TIMEOUT).until(() -> getVCenter("retiring") == null);
        client.resource(get(TEAM_A, "too-late")).delete();
        await().atMost(TIMEOUT).until(() -> get(TEAM_A, "too-late") == null);
    }

    @Test
    void withoutAVCenterMarkedDefaultTestVMsUseTheEnvironmentsVCenterAsBefore() {
        TestVM legacy = create(testVM(LEGACY, "legacy", "Templates/ubuntu-22.04", CloneTypeSpec.linked));
        TestVM ready = awaitReady(LEGACY, "legacy");
        assertThat(ready.getStatus().getVcenter()).isEqualTo(VCenterRegistry.ENVIRONMENT);
        assertThat(TestVMs.simulatorVms(LEGACY_SIM.simulator(), legacy)).hasSize(1);
        client.resource(ready).delete();
        await().atMost(TIMEOUT).until(() -> get(LEGACY, "legacy") == null);
        assertThat(TestVMs.simulatorVms(LEGACY_SIM.simulator(), legacy)).isEmpty();
    }

    // --- helpers ---

    private static TestVM onVCenter(String namespace, String name, String template, String vcenter) {
        TestVM testVM = testVM(namespace, name, template, CloneTypeSpec.linked);
        testVM.getSpec().setVcenter(vcenter);
        return testVM;
    }

    /** The TestVMs named by the Events of {@code namespace} labelled with {@code vcenter}. */
    private static java.util.Set<String> eventsLabelled(String namespace, String vcenter) {
        return client.v1().events().inNamespace(namespace).withLabel(VCenterLabels.EVENT_LABEL, vcenter).list().getItems().stream()
                .map(e -> e.getInvolvedObject().getName()).collect(java.util.stream.Collectors.toSet());
    }

    private static TestVM create(TestVM testVM) {
        return client.resource(testVM).create();
    }

    private static TestVM get(String namespace, String name) {
        return client.resources(TestVM.class).inNamespace(namespace).withName(name).get();
    }

    private static VCenterResource getVCenter(String name) {
        return client.resources(VCenterResource.class).withName(name).get();
    }

    private static TestVM awaitReady(String namespace, String name) {
        return await().atMost(TIMEOUT).until(() -> get(namespace, name), TestVMs::isReady);
    }

    private static TestVM awaitFailed(String namespace, String name) {
        return await().atMost(TIMEOUT).until(() -> get(namespace, name), t -> TestVMs.failed(t).isPresent());
    }

    private static VCenterResource awaitCondition(String name, String type, String status) {
        return await().atMost(TIMEOUT).until(() -> getVCenter(name),
                vc -> condition(vc, type).map(c -> status.equals(c.getStatus())).orElse(false));
    }

    static Optional<Condition> condition(VCenterResource vc, String type) {
        if (vc == null || vc.getStatus() == null || vc.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return vc.getStatus().getConditions().stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
    }

    private static void secret(String name, String username, String password) {
        client.resource(new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OPERATOR_NAMESPACE).build())
                .withStringData(Map.of("username", username, "password", password)).build()).serverSideApply();
    }

    private static void apply(VCenterResource vc) {
        client.resource(vc).forceConflicts().serverSideApply();
    }

    static VCenterResource vcenter(String name, Simulator simulator, String secret, Consumer<VCenterSpec> rules) {
        VCenterResource vc = new VCenterResource();
        vc.setMetadata(new ObjectMetaBuilder().withName(name).build());
        VCenterSpec spec = new VCenterSpec();
        spec.setUrl(simulator.url().toString());
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(secret);
        spec.setCredentialsSecret(ref);
        VCenterTls tls = new VCenterTls();
        tls.setThumbprint(simulator.thumbprint());
        spec.setTls(tls);
        spec.setDatacenter("DC0");
        rules.accept(spec);
        vc.setSpec(spec);
        return vc;
    }

    static AllowedNamespaces names(String... namespaces) {
        AllowedNamespaces allowed = new AllowedNamespaces();
        allowed.setNames(List.of(namespaces));
        return allowed;
    }

    static AllowedSources sources(String... paths) {
        AllowedSources allowed = new AllowedSources();
        allowed.setPaths(List.of(paths));
        return allowed;
    }

}
