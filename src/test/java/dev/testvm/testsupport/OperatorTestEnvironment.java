package dev.testvm.testsupport;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Real parts for {@code @QuarkusTest}s of the operator: the shared kube-apiserver (with the
 * committed CRD installed) and a vCenter simulator, wired into the operator's configuration.
 * The operator watches only {@link #NAMESPACE}, so tests that run their own operator instance use
 * other namespaces.
 */
public class OperatorTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "e2e";

    private static Simulator simulator;

    /** The simulator the in-process operator talks to. */
    public static Simulator simulator() {
        return simulator;
    }

    /** The client the in-process operator uses (Quarkus's bean; valid while Quarkus runs). */
    public static KubernetesClient client() {
        return io.quarkus.arc.Arc.container().instance(KubernetesClient.class).get();
    }

    @Override
    public Map<String, String> start() {
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        try (KubernetesClient client = KubeApiServers.newClient()) {
            Crds.installTestVm(client);
            client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
        }
        try {
            simulator = new SimulatorExtension().timeScale(0.02).start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the vCenter simulator", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.kubernetes-client.api-server-url", kube.getMasterUrl());
        // kube-api-test's kubeconfig points at certificate files or embeds them, depending on version.
        putEither(config, "ca-cert-data", kube.getCaCertData(), "ca-cert-file", kube.getCaCertFile());
        putEither(config, "client-cert-data", kube.getClientCertData(), "client-cert-file", kube.getClientCertFile());
        putEither(config, "client-key-data", kube.getClientKeyData(), "client-key-file", kube.getClientKeyFile());
        config.put("quarkus.kubernetes-client.trust-certs", "false");
        config.put("quarkus.operator-sdk.controllers.testvm.namespaces", NAMESPACE);
        config.put("quarkus.operator-sdk.controllers.testvmpool.namespaces", NAMESPACE);
        // VCenter resources are cluster-scoped: the in-process operator must not serve those of tests
        // running their own operator (VCentersEndToEndTest, OperatorRbacTest) in the same JVM.
        config.put("quarkus.operator-sdk.controllers.vcenter.selector", "testvm.dev/served-by=in-process-test-operator");
        config.put("testvm.vcenter.url", simulator.url().toString());
        config.put("testvm.vcenter.username", simulator.username());
        config.put("testvm.vcenter.password", simulator.password());
        config.put("testvm.vcenter.thumbprint", simulator.thumbprint());
        config.put("testvm.vcenter.datacenter", "DC0");
        // Outside a pod the operator cannot tell its namespace and refuses to start without this.
        config.put("testvm.vcenters.secret-namespace", NAMESPACE);
        // The simulator runs 50x faster than real time; so does the backstop.
        config.put("testvm.discovery.task-poll-interval", "2s");
        return config;
    }

    private static void putEither(Map<String, String> config, String dataKey, String data, String fileKey, String file) {
        if (data != null) {
            config.put("quarkus.kubernetes-client." + dataKey, data);
        } else if (file != null) {
            config.put("quarkus.kubernetes-client." + fileKey, file);
        }
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }
}
