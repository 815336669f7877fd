package dev.testvm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything users apply from {@code deploy/} goes through the real API server with
 * {@code --dry-run=server} (schema, strict field validation, admission): a broken manifest fails
 * the build instead of an installation.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy").toAbsolutePath();
    private static final String SAMPLES_NAMESPACE = "deploy-samples";

    @BeforeAll
    static void setUp() {
        try (KubernetesClient client = KubeApiServers.newClient()) {
            // Server-side dry-run creates nothing, so what later objects need must exist for real:
            // the namespaces and the TestVM CRD (the same file the kustomization names).
            Crds.installTestVm(client);
            client.resource(new NamespaceBuilder().withNewMetadata().withName("testvm-system").endMetadata().build()).serverSideApply();
            client.resource(new NamespaceBuilder().withNewMetadata().withName(SAMPLES_NAMESPACE).endMetadata().build()).serverSideApply();
        }
    }

    @Test
    void kustomizationAppliesWithServerSideDryRun() {
        Kubectl.Result result = Kubectl.run(null, "apply", "--dry-run=server", "--validate=strict", "-k", DEPLOY.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("customresourcedefinition.apiextensions.k8s.io/testvms.testvm.dev")
                .contains("namespace/testvm-system")
                .contains("serviceaccount/testvm-operator")
                .contains("clusterrole.rbac.authorization.k8s.io/testvm-operator")
                .contains("role.rbac.authorization.k8s.io/testvm-operator-leader-election")
                .contains("configmap/testvm-operator-config")
                .contains("deployment.apps/testvm-operator")
                // The vCenter Secret is created by the installer, never shipped with placeholders.
                .doesNotContain("secret/testvm-vcenter-credentials");
    }

    @Test
    void vcenterCredentialsExampleApplies() {
        Kubectl.Result result = Kubectl.run(null, "apply", "--dry-run=server", "--validate=strict",
                "-f", DEPLOY.resolve("vcenter-credentials.example.yaml").toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("secret/testvm-vcenter-credentials");
    }

    @Test
    void everySampleAppliesWithServerSideDryRun() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(samples).isNotEmpty();
        for (Path sample : samples) {
            Kubectl.Result result = Kubectl.run(null, "apply", "--dry-run=server", "--validate=strict",
                    "-n", SAMPLES_NAMESPACE, "-f", sample.toString());
            assertThat(result.exitCode()).as(sample + ": " + result.output()).isZero();
            assertThat(result.output()).as(sample.toString()).contains("(server dry run)");
        }
    }
}
