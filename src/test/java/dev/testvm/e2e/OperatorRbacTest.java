package dev.testvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.pool.PoolMembers;
import dev.testvm.config.LeaderElectionBeans;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.testsupport.AuditedKubeApiServer;
import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.LocalOperator;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RBAC in {@code deploy/rbac.yaml} grants exactly the API calls the operator makes. On an API
 * server of its own with an audit log, the operator (plain JOSDK around our reconciler, watching
 * all namespaces with leader election, as deployed) runs as the deploy/ ServiceAccount by
 * impersonating it, through a TestVM lifecycle that touches every code path that calls the API:
 * a guest-credentials Secret read, Events, status patches, the finalizer, expiry (the operator
 * deletes the TestVM), user deletion, a warm pool (its TestVMs, a claim, its finalizer) and the
 * leader-election Lease. Then: no request was refused (nothing missing) and every granted verb
 * was used (nothing extra).
 */
class OperatorRbacTest {

    static final String SERVICE_ACCOUNT = "system:serviceaccount:testvm-system:testvm-operator";
    static final String USER_NAMESPACE = "rbac-user";
    static final String LEASE_NAMESPACE = "testvm-system";
    private static final Path DEPLOY = Path.of("deploy");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * Granted on purpose although this run cannot observe it, with the reason. Keep it short:
     * every entry is a permission the audit cannot vouch for.
     */
    static final Map<String, String> GRANTED_WITHOUT_OBSERVED_USE = Map.of(
            "coordination.k8s.io leases update", "JOSDK's LeaderElectionManager checks create/update/get on leases with a"
                    + " SelfSubjectRulesReview before starting and refuses to run without update; fabric8's LeaseLock renews with patch");

    /** Calls Kubernetes' default roles allow every authenticated user; deploy/ need not grant them. */
    static final Map<String, String> ALLOWED_TO_EVERY_USER = Map.of(
            "authorization.k8s.io selfsubjectrulesreviews create", "JOSDK's lease permission check; ClusterRole system:basic-user");

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05).shared();

    private static AuditedKubeApiServer server;
    private static KubernetesClient admin;

    @BeforeAll
    static void startServer() throws IOException {
        server = AuditedKubeApiServer.start();
        admin = new KubernetesClientBuilder().withConfig(server.adminConfig()).build();
        Crds.installTestVm(admin);
        applyDeploy("namespace.yaml");
        applyDeploy("rbac.yaml");
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(USER_NAMESPACE).endMetadata().build()).serverSideApply();
    }

    private static void applyDeploy(String file) {
        try (InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
            admin.load(in).forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The operator's client as the pod would have it: the ServiceAccount, its groups, nothing else. */
    private static KubernetesClient serviceAccountClient() {
        Config config = server.adminConfig();
        config.setImpersonateUsername(SERVICE_ACCOUNT);
        config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:testvm-system", "system:authenticated");
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Test
    void deployRbacGrantsExactlyWhatTheOperatorUses() throws IOException {
        Simulator simulator = SIM.simulator();
        DiscoveryTemplates.ensure(simulator);
        try (KubernetesClient operatorClient = serviceAccountClient()) {
            LocalOperator operator = LocalOperator.start(operatorClient, simulator.connectionSettings(), Constants.WATCH_ALL_NAMESPACES,
                    o -> o.withLeaderElectionConfiguration(LeaderElectionBeans.builder(LEASE_NAMESPACE, "rbac-test").buildForTest(false)),
                    LEASE_NAMESPACE);
            try {
                runLifecycle(simulator);
                runVCenterLifecycle(simulator);
            } finally {
                operator.stop();
            }
        }

        AuditedCalls calls = AuditedCalls.read(server.auditLog(), SERVICE_ACCOUNT);
        try (KubernetesClient operatorClient = serviceAccountClient()) {
            // The impersonation is real: what rbac.yaml does not grant is refused (after reading the log, not to count it).
            assertThatThrownBy(() -> operatorClient.secrets().inNamespace(USER_NAMESPACE).list())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
        }
        assertThat(calls.refused()).as("requests of the operator that RBAC refused (grant missing in deploy/rbac.yaml)").isEmpty();
        Set<String> granted = granted();
        assertThat(granted).as("grants in deploy/rbac.yaml without an observed use or a written reason")
                .allMatch(g -> calls.used().contains(g) || GRANTED_WITHOUT_OBSERVED_USE.containsKey(g));
        Set<String> needingGrant = new TreeSet<>(calls.used());
        needingGrant.removeAll(ALLOWED_TO_EVERY_USER.keySet());
        assertThat(needingGrant).as("calls the operator made").isSubsetOf(granted);
        // The lifecycle really ran through the operator's paths (guards against a test that observed nothing).
        assertThat(calls.used()).contains("core secrets get", "core events create", "testvm.dev testvms/status patch",
                "testvm.dev testvms delete", "coordination.k8s.io leases patch", "testvm.dev testvms watch",
                "testvm.dev testvms create", "testvm.dev testvmpools get", "testvm.dev testvmpools/status patch",
                "testvm.dev vcenters watch", "testvm.dev vcenters patch", "testvm.dev vcenters/status patch",
                "core secrets watch", "core namespaces get");
        assertThat(GRANTED_WITHOUT_OBSERVED_USE.keySet()).as("listed exceptions still granted and still unused")
                .allMatch(g -> granted.contains(g) && !calls.used().contains(g));
    }

    /**
     * A TestVM author (bound to deploy/'s testvm-operator-author in one namespace) manages TestVMs
     * there, but reads no Secret of the operator's namespace, where
     * VCenter credentials live, and changes no VCenter.
     */
    @Test
    void aTestVMAuthorCannotReadVCenterCredentialsNorChangeVCenters() {
        admin.resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder().withNewMetadata().withName("author")
                .withNamespace(USER_NAMESPACE).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "testvm-operator-author")
                .addNewSubject().withKind("User").withName("alice").withApiGroup("rbac.authorization.k8s.io").endSubject().build())
                .serverSideApply();
        admin.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("vc-login-author-test")
                .withNamespace(LEASE_NAMESPACE).endMetadata().addToStringData("password", "not-for-alice").build()).serverSideApply();
        Config config = server.adminConfig();
        config.setImpersonateUsername("alice");
        config.setImpersonateGroups("system:authenticated");
        try (KubernetesClient alice = new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(alice.resources(TestVM.class).inNamespace(USER_NAMESPACE).list().getItems()).isNotNull();
            assertThatThrownBy(() -> alice.secrets().inNamespace(LEASE_NAMESPACE).withName("vc-login-author-test").get())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
            assertThatThrownBy(() -> alice.secrets().inNamespace(LEASE_NAMESPACE).list())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
            assertThatThrownBy(() -> alice.resource(rbacVCenter("alice-vc", "vc-login-author-test")).create())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
        }
    }

    /** Backs the one listed exception: without {@code update} on leases, JOSDK refuses to start. */
    @Test
    void withoutLeaseUpdateTheOperatorRefusesToStart() {
        Role role = admin.rbac().roles().inNamespace(LEASE_NAMESPACE).withName("testvm-operator-leader-election").get();
        role.getRules().forEach(rule -> rule.getVerbs().remove("update"));
        role.getMetadata().setManagedFields(null);
        admin.resource(role).update();
        try (KubernetesClient operatorClient = serviceAccountClient()) {
            assertThatThrownBy(() -> LocalOperator.start(operatorClient, SIM.simulator(), Constants.WATCH_ALL_NAMESPACES,
                    o -> o.withLeaderElectionConfiguration(LeaderElectionBeans.builder(LEASE_NAMESPACE, "rbac-no-update").buildForTest(false))))
                    .hasStackTraceContaining("No permission to lease resource");
        } finally {
            applyDeploy("rbac.yaml");
        }
        assertThat(admin.rbac().roles().inNamespace(LEASE_NAMESPACE).withName("testvm-operator-leader-election").get()
                .getRules().get(0).getVerbs()).as("deploy/rbac.yaml restored").contains("update");
    }

    private static void runLifecycle(Simulator simulator) {
        admin.resource(TestVMs.guestSecret(USER_NAMESPACE, "guest-login", Simulator.GUEST_USER, Simulator.GUEST_PASSWORD)).serverSideApply();
        String linux = DiscoveryTemplates.path("linux", "");

        // Guest operations read the Secret; a short TTL makes the operator delete the TestVM itself.
        TestVM expiring = TestVMs.withDiscovery(USER_NAMESPACE, "expiring", linux, CloneTypeSpec.linked, "guest-login", d -> {});
        // The schema's shortest ttl is 1m: the expiry is awaited after the next steps, which run meanwhile.
        expiring.getSpec().setTtl("1m");
        admin.resource(expiring).create();

        // A missing Secret is reported in status and a Warning Event; then the user deletes it.
        admin.resource(TestVMs.withDiscovery(USER_NAMESPACE, "no-secret", linux, CloneTypeSpec.linked, "missing", d -> {})).create();
        await().atMost(TIMEOUT).until(() -> get("no-secret"), t -> t != null && t.getStatus() != null
                && t.getStatus().getConditions().stream().anyMatch(c -> Reasons.SECRET_NOT_FOUND.equals(c.getReason())));
        admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).withName("no-secret").delete();
        await().atMost(TIMEOUT).until(() -> get("no-secret") == null);

        runPoolLifecycle(linux);
        await().atMost(TIMEOUT.plusMinutes(1)).until(() -> get("expiring") == null);

        assertThat(admin.v1().events().inNamespace(USER_NAMESPACE).list().getItems())
                .as("Events the operator wrote").extracting(e -> e.getReason()).contains("Ready", "Deleted");
        assertThat(admin.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElectionBeans.LEASE_NAME).get())
                .as("leader-election Lease").isNotNull();
    }

    /**
     * A warm pool: its VMs are TestVMs the operator creates; one claimant finds it empty (reads the
     * pool, clones), one claims (patches the member, which the pool then deletes); deleting the pool
     * releases its finalizer.
     */
    private static void runPoolLifecycle(String template) {
        admin.resource(Pools.pool(USER_NAMESPACE, "warm", template, 1, WhenPoolEmpty.Clone)).create();
        admin.resource(Pools.claimant(USER_NAMESPACE, "early", template, "warm")).create();
        await().atMost(TIMEOUT).until(() -> TestVMs.isReady(get("early")));
        assertThat(Pools.outcome(get("early"))).isEqualTo(PoolClaim.CLONED);
        await().atMost(TIMEOUT).until(() -> Pools.ready(Pools.get(admin, USER_NAMESPACE, "warm")) == 1);
        admin.resource(Pools.claimant(USER_NAMESPACE, "from-pool", template, "warm")).create();
        await().atMost(TIMEOUT).until(() -> TestVMs.isReady(get("from-pool")));
        assertThat(Pools.claimed(get("from-pool"))).isTrue();
        await().atMost(TIMEOUT).until(() -> Pools.members(admin, USER_NAMESPACE, "warm").stream().noneMatch(PoolMembers::isClaimed));
        admin.resources(TestVMPool.class).inNamespace(USER_NAMESPACE).withName("warm").delete();
        admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).withName("early").delete();
        admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).withName("from-pool").delete();
        await().atMost(TIMEOUT).until(() -> admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).list().getItems().isEmpty()
                && Pools.get(admin, USER_NAMESPACE, "warm") == null);
    }

    /**
     * A VCenter whose credentials Secret is in the operator's namespace and whose rules admit the
     * user namespace by label: the operator watches the Secret, reads the namespace's labels,
     * patches the VCenter's finalizer and status; deleting it removes the finalizer.
     */
    private static void runVCenterLifecycle(Simulator simulator) {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(USER_NAMESPACE).addToLabels("rbac", "yes").endMetadata().build())
                .serverSideApply();
        admin.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("vc-login")
                .withNamespace(LEASE_NAMESPACE).endMetadata().addToStringData("username", simulator.username())
                .addToStringData("password", simulator.password()).build()).serverSideApply();
        dev.testvm.api.VCenterResource vc = rbacVCenter("rbac-vc", "vc-login");
        vc.getSpec().setUrl(simulator.url().toString());
        vc.getSpec().getTls().setThumbprint(simulator.thumbprint());
        dev.testvm.api.AllowedNamespaces allowed = new dev.testvm.api.AllowedNamespaces();
        allowed.setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("rbac", "yes").build());
        vc.getSpec().setAllowedNamespaces(allowed);
        admin.resource(vc).create();
        TestVM testVM = TestVMs.testVM(USER_NAMESPACE, "on-vcenter", "Templates/ubuntu-22.04", CloneTypeSpec.linked);
        testVM.getSpec().setVcenter("rbac-vc");
        admin.resource(testVM).create();
        await().atMost(TIMEOUT).until(() -> TestVMs.isReady(get("on-vcenter")));
        admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).withName("on-vcenter").delete();
        await().atMost(TIMEOUT).until(() -> get("on-vcenter") == null);
        admin.resources(dev.testvm.api.VCenterResource.class).withName("rbac-vc").delete();
        await().atMost(TIMEOUT).until(() -> admin.resources(dev.testvm.api.VCenterResource.class).withName("rbac-vc").get() == null);
    }

    private static dev.testvm.api.VCenterResource rbacVCenter(String name, String secret) {
        dev.testvm.api.VCenterResource vc = new dev.testvm.api.VCenterResource();
        vc.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        dev.testvm.api.VCenterSpec spec = new dev.testvm.api.VCenterSpec();
        spec.setUrl("https://vcenter.example/sdk");
        dev.testvm.api.SecretKeyRef ref = new dev.testvm.api.SecretKeyRef();
        ref.setName(secret);
        spec.setCredentialsSecret(ref);
        spec.setTls(new dev.testvm.api.VCenterTls());
        spec.setDatacenter("DC0");
        vc.setSpec(spec);
        return vc;
    }

    private static TestVM get(String name) {
        return admin.resources(TestVM.class).inNamespace(USER_NAMESPACE).withName(name).get();
    }

    /** "group resource[/subresource] verb" for every rule of the ClusterRole and Role in deploy/rbac.yaml. */
    private static Set<String> granted() throws IOException {
        Set<String> granted = new TreeSet<>();
        try (InputStream in = Files.newInputStream(DEPLOY.resolve("rbac.yaml"))) {
            for (HasMetadata item : admin.load(in).items()) {
                if (item.getMetadata().getName().equals("testvm-operator-author")) {
                    continue; // for TestVM authors (aTestVMAuthorCannotReadVCenterCredentialsNorChangeVCenters), not the operator
                }
                List<PolicyRule> rules = item instanceof ClusterRole c ? c.getRules() : item instanceof Role r ? r.getRules() : List.of();
                for (PolicyRule rule : rules) {
                    for (String group : rule.getApiGroups()) {
                        for (String resource : rule.getResources()) {
                            for (String verb : rule.getVerbs()) {
                                granted.add(AuditedCalls.key(group, resource, verb));
                            }
                        }
                    }
                }
            }
        }
        return granted;
    }

    /** The resource requests one user made, from a kube-apiserver JSON audit log. */
    record AuditedCalls(Set<String> used, Set<String> refused) {

        static String key(String group, String resource, String verb) {
            return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
        }

        static AuditedCalls read(Path auditLog, String user) throws IOException {
            ObjectMapper json = new ObjectMapper();
            Set<String> used = new TreeSet<>();
            Set<String> refused = new TreeSet<>();
            for (String line : Files.readAllLines(auditLog)) {
                JsonNode entry = json.readTree(line);
                String actingAs = entry.path("impersonatedUser").path("username").asText(entry.path("user").path("username").asText());
                JsonNode object = entry.path("objectRef");
                if (!user.equals(actingAs) || object.isMissingNode()) {
                    continue; // someone else, or a non-resource URL (discovery), which every authenticated user may read
                }
                String resource = object.path("resource").asText()
                        + (object.hasNonNull("subresource") ? "/" + object.path("subresource").asText() : "");
                String call = key(object.path("apiGroup").asText(""), resource, entry.path("verb").asText());
                int code = entry.path("responseStatus").path("code").asInt();
                if (code == 403) {
                    refused.add(call + " (" + entry.path("requestURI").asText() + ")");
                } else {
                    used.add(call);
                }
            }
            return new AuditedCalls(used, refused);
        }
    }
}
