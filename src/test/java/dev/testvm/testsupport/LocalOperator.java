package dev.testvm.testsupport;

import dev.testvm.config.DiscoveryWiring;
import dev.testvm.config.OperatorConfig;
import dev.testvm.pool.PoolObserver;
import dev.testvm.pool.TestVMPoolReconciler;
import dev.testvm.reconciler.TestVMReconciler;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.vcenters.VCenterReconciler;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.vim.VimVCenter;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One operator instance outside Quarkus: plain java-operator-sdk around our reconciler, watching
 * one namespace, with its own vCenter session. Tests start and stop several of these to play
 * restarts and leader election; stopping one also logs its session out, as a terminating pod does.
 */
public record LocalOperator(Operator operator, VCenterRegistry vcenter) {

    /** Installs the CRD and creates {@code namespace}, which the in-process Quarkus operator ignores. */
    public static void prepare(KubernetesClient client, String namespace) {
        Crds.installTestVm(client);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).serverSideApply();
    }

    public static LocalOperator start(KubernetesClient client, Simulator simulator, String namespace,
            Consumer<ConfigurationServiceOverrider> overrides) {
        return start(client, simulator.connectionSettings(), namespace, overrides);
    }

    /** As above, with at most {@code maxConcurrentTasks} vCenter tasks in flight. */
    public static LocalOperator start(KubernetesClient client, Simulator simulator, String namespace,
            Consumer<ConfigurationServiceOverrider> overrides, int maxConcurrentTasks) {
        return start(client, simulator.connectionSettings(maxConcurrentTasks), namespace, overrides);
    }

    public static LocalOperator start(KubernetesClient client, ConnectionSettings vcenterSettings, String namespace,
            Consumer<ConfigurationServiceOverrider> overrides) {
        return start(client, vcenterSettings, namespace, overrides, (String) null);
    }

    /**
     * As above, and with {@code vcenterSecretNamespace} not null the VCenter controller too, reading
     * VCenter credentials Secrets in that namespace (the operator's own, as deployed).
     */
    public static LocalOperator start(KubernetesClient client, ConnectionSettings vcenterSettings, String namespace,
            Consumer<ConfigurationServiceOverrider> overrides, String vcenterSecretNamespace) {
        OperatorConfig config = new TestOperatorConfig(vcenterSettings.url(), "DC0", Duration.ofSeconds(2));
        VCenterRegistry vcenter = VCenterRegistry.of("DC0", () -> VimVCenter.connect(vcenterSettings));
        Operator operator = new Operator(o -> overrides.accept(o.withKubernetesClient(client).withCloseClientOnStop(false)));
        operator.register(new TestVMReconciler(vcenter, client, dev.testvm.config.OperatorBeans.reconcilerSettingsOf(config), DiscoveryWiring.of(config.discovery())),
                o -> o.settingNamespaces(namespace));
        operator.register(new TestVMPoolReconciler(client, PoolObserver.NOOP), o -> o.settingNamespaces(namespace));
        if (vcenterSecretNamespace != null) {
            try {
                operator.register(new VCenterReconciler(vcenter, client, vcenterSecretNamespace,
                        java.nio.file.Files.createTempDirectory("vcenter-ca")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        operator.start();
        return new LocalOperator(operator, vcenter);
    }

    public void stop() {
        operator.stop();
        vcenter.close();
    }
}
