package dev.testvm.config;

import dev.testvm.reconciler.ReconcilerSettings;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.steps.GuestDiscovery;
import dev.testvm.vsphere.ConnectionSettings;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Wires configuration to the pieces the reconciler is built from. */
@ApplicationScoped
public class OperatorBeans {

    private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

    /** The environment's vCenter alone, as an operator without sharding has it. */
    VCenterRegistry vcenter(OperatorConfig config) {
        return vcenter(config, false, Optional.empty());
    }

    @Produces
    @Singleton
    VCenterRegistry vcenter(OperatorConfig config, @ConfigProperty(name = "testvm.vcenters.shard", defaultValue = "false") boolean shard,
            @ConfigProperty(name = "quarkus.operator-sdk.controllers.vcenter.selector") Optional<String> selector) {
        if (shard) {
            // One shard of the VCenter resources (docs/vcenters.md, "Sharding"): no environment vCenter,
            // and TestVMs of VCenters outside the selector are another Deployment's.
            LOG.infof("serving the TestVMs of the VCenters matching '%s' only", selector.orElse(""));
            VCenterRegistry shardRegistry = new VCenterRegistry();
            shardRegistry.shard(true);
            return shardRegistry;
        }
        OperatorConfig.VCenter vc = config.vcenter();
        ConnectionSettings settings = new ConnectionSettings(vc.url(), vc.username(), vc.password(),
                vc.caBundle().orElse(null), vc.thumbprint().orElse(null), vc.insecure(), vc.maxConcurrentTasks(), vc.requestTimeout());
        if (vc.insecure()) {
            LOG.warnf("TLS verification of %s is OFF (testvm.vcenter.insecure=true)", vc.url());
        }
        return VCenterRegistry.of(vc.datacenter(), () -> VCenterConnector.connect(settings));
    }

    @Produces
    @Singleton
    ReconcilerSettings reconcilerSettings(OperatorConfig config) {
        return reconcilerSettingsOf(config);
    }

    /** The TestVM controller's part of the configuration (also for tests that build a controller). */
    public static ReconcilerSettings reconcilerSettingsOf(OperatorConfig config) {
        OperatorConfig.Discovery discovery = config.discovery();
        return new ReconcilerSettings(discovery.taskPollInterval(), config.clusterId());
    }

    @Produces
    @Singleton
    GuestDiscovery discovery(OperatorConfig config) {
        return DiscoveryWiring.of(config.discovery());
    }

    void logoutOnShutdown(@Observes ShutdownEvent event, VCenterRegistry vcenter) {
        vcenter.close();
    }
}
