package dev.testvm.vcenters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.reconciler.connection.VCenterRegistry;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where VCenter credentials are read when nothing says so: the operator's own namespace, never a guess. */
class OwnNamespaceTest {

    @Test
    void withoutANamespaceTheOperatorRefusesToStartNamingTheVariable() {
        try (KubernetesClient client = client(null); VCenterRegistry registry = new VCenterRegistry()) {
            assertThatThrownBy(() -> new VCenterReconciler(registry, client, Optional.empty()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TESTVM_VCENTERS_SECRET_NAMESPACE")
                    .hasMessageContaining("testvm.vcenters.secret-namespace");
        }
    }

    @Test
    void theClientsNamespaceOrTheSettingIsUsed() {
        try (KubernetesClient client = client("testvm-system"); KubernetesClient none = client(null)) {
            assertThat(VCenterReconciler.ownNamespace(client)).isEqualTo("testvm-system");
            try (VCenterRegistry registry = new VCenterRegistry()) {
                // The setting wins and the client is not asked: constructing succeeds without a namespace.
                new VCenterReconciler(registry, none, Optional.of("ops"));
            }
        }
    }

    private static KubernetesClient client(String namespace) {
        // Config.empty(): no kubeconfig, no service account; nothing is sent to this address.
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").withNamespace(namespace).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
