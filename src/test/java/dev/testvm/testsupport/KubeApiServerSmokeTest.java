package dev.testvm.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proves the test API server is a real one: CRDs, the status subresource and server-side apply work. */
class KubeApiServerSmokeTest {

    private static final ResourceDefinitionContext TESTVMS = new ResourceDefinitionContext.Builder()
            .withGroup("testvm.dev").withVersion("v1alpha1").withPlural("testvms").withKind("TestVM").withNamespaced(true).build();

    @Test
    void statusSubresourceTakesServerSideApplyPatches() {
        try (KubernetesClient client = KubeApiServers.newClient()) {
            assertThat(client.getKubernetesVersion().getGitVersion()).startsWith("v1.");
            Crds.installTestVm(client);
            client.resource(new NamespaceBuilder().withNewMetadata().withName("smoke").endMetadata().build()).serverSideApply();

            GenericKubernetesResource created = client.genericKubernetesResources(TESTVMS).inNamespace("smoke")
                    .resource(new GenericKubernetesResourceBuilder().withApiVersion("testvm.dev/v1alpha1").withKind("TestVM")
                            .withNewMetadata().withName("smoke-1").endMetadata()
                            .addToAdditionalProperties("spec", Map.of("template", "Templates/ubuntu-22.04"))
                            .build())
                    .create();
            // Defaults come from the schema, so the server filled them in.
            assertThat(created.get("spec", "cloneType").toString()).isEqualTo("linked");

            GenericKubernetesResource statusPatch = new GenericKubernetesResourceBuilder()
                    .withApiVersion("testvm.dev/v1alpha1").withKind("TestVM")
                    .withNewMetadata().withName("smoke-1").withNamespace("smoke").endMetadata()
                    .addToAdditionalProperties("status", Map.of("phase", "Ready", "ip", "10.0.0.42"))
                    .build();
            client.genericKubernetesResources(TESTVMS).inNamespace("smoke").resource(statusPatch)
                    .subresource("status")
                    .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                            .withFieldManager("smoke-test").withForce(true).build());

            GenericKubernetesResource read = client.genericKubernetesResources(TESTVMS).inNamespace("smoke").withName("smoke-1").get();
            assertThat(read.get("status", "ip").toString()).isEqualTo("10.0.0.42");
            assertThat(read.get("status", "phase").toString()).isEqualTo("Ready");
            assertThat(read.getMetadata().getManagedFields()).anyMatch(f -> "smoke-test".equals(f.getManager())
                    && "Apply".equals(f.getOperation()) && "status".equals(f.getSubresource()));
        }
    }
}
