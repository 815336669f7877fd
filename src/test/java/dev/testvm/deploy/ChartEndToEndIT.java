package dev.testvm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.TestVM;
import dev.testvm.config.LeaderElectionBeans;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator installed from the Helm chart: {@code helm template} with the values an installer
 * would give (vCenter URL, datacenter, thumbprint, one watched namespace) applied to a real API
 * server as {@code helm install} would create it (CRDs from the chart's crds/ first), the vCenter
 * Secret created as the chart's notes say, and the operator's jar started from the Deployment read
 * back from the API server ({@link DeploymentProcess}: its env, ConfigMap, Secret, ServiceAccount
 * token, probes). The sample TestVM in the watched namespace becomes Ready and is destroyed on
 * delete; the same sample in another namespace is left alone; the leader holds the Lease in the
 * release namespace. Runs after {@code package} (failsafe), since it needs the jar.
 */
class ChartEndToEndIT {

    private static final String RELEASE_NAMESPACE = "chart-e2e";
    private static final String WATCHED = "chart-e2e-vms";
    private static final String NOT_WATCHED = "chart-e2e-other";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().timeScale(0.05);

    private static KubernetesClient admin;
    private static DeploymentProcess operator;

    @BeforeAll
    static void install() throws Exception {
        Simulator simulator = SIM.simulator();
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        admin = KubeApiServers.newClient();
        for (String ns : new String[] {RELEASE_NAMESPACE, WATCHED, NOT_WATCHED}) {
            admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        }
        String rendered = Helm.template("testvm-operator", RELEASE_NAMESPACE,
                "--set", "vcenter.url=" + simulator.url(),
                "--set", "vcenter.datacenter=DC0",
                "--set", "vcenter.thumbprint=" + simulator.thumbprint(),
                "--set", "watchNamespaces={" + WATCHED + "}");
        Kubectl.Result applied = Kubectl.run(rendered, "apply", "-f", "-");
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        Kubectl.Result established = Kubectl.run(null, "wait", "--for=condition=Established", "crd/testvms.testvm.dev", "--timeout=60s");
        assertThat(established.exitCode()).as(established.output()).isZero();
        admin.resource(new SecretBuilder().withNewMetadata().withName("testvm-vcenter-credentials").withNamespace(RELEASE_NAMESPACE).endMetadata()
                .addToStringData("username", simulator.username()).addToStringData("password", simulator.password()).build()).create();

        operator = DeploymentProcess.start(admin, kube, RELEASE_NAMESPACE, "testvm-operator", Path.of("target", "chart-e2e", "operator.log"));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .failFast("the operator exited; see " + operator.log(), () -> !operator.isAlive())
                .until(() -> operator.probe("startup") == 200 && operator.probe("readiness") == 200);
    }

    @AfterAll
    static void uninstall() throws Exception {
        if (operator != null) {
            operator.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void sampleTestVmInTheWatchedNamespaceBecomesReadyAndIsDestroyedOnDelete() {
        for (String ns : new String[] {WATCHED, NOT_WATCHED}) {
            for (String sample : new String[] {"deploy/samples/guest-credentials.yaml", "deploy/samples/testvm.yaml"}) {
                Kubectl.Result result = Kubectl.run(null, "apply", "-n", ns, "-f", sample);
                assertThat(result.exitCode()).as(result.output()).isZero();
            }
        }
        Kubectl.Result ready = Kubectl.run(null, "wait", "-n", WATCHED, "--for=condition=Ready", "testvm/build-42", "--timeout=" + TIMEOUT.toSeconds() + "s");
        assertThat(ready.exitCode()).as(ready.output() + "\noperator log: " + operator.log()).isZero();
        TestVM vm = admin.resources(TestVM.class).inNamespace(WATCHED).withName("build-42").get();
        assertThat(vm.getStatus().getIp()).isNotBlank();
        assertThat(SIM.simulator().vms()).anyMatch(v -> vm.getStatus().getVm().getName().equals(v.get("name")));

        // Applied before the watched one became Ready: an operator watching it would have begun by now.
        // Read untyped: the TestVM class starts with an empty status of its own.
        GenericKubernetesResource ignored = admin.genericKubernetesResources("testvm.dev/v1alpha1", "TestVM")
                .inNamespace(NOT_WATCHED).withName("build-42").get();
        assertThat(ignored.getAdditionalProperties()).as("status of a TestVM outside watchNamespaces").doesNotContainKey("status");
        assertThat(ignored.getMetadata().getFinalizers()).isEmpty();

        Lease lease = admin.leases().inNamespace(RELEASE_NAMESPACE).withName(LeaderElectionBeans.LEASE_NAME).get();
        assertThat(lease).as("leader-election Lease in the release namespace").isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(operator.podName());
        assertThat(operator.probe("liveness")).isEqualTo(200);

        Kubectl.Result deleted = Kubectl.run(null, "delete", "-n", WATCHED, "testvm", "build-42", "--timeout=" + TIMEOUT.toSeconds() + "s");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        assertThat(SIM.simulator().vms()).noneMatch(v -> vm.getStatus().getVm().getName().equals(v.get("name")));
    }
}
