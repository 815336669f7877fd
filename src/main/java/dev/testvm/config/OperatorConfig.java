package dev.testvm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything the operator reads from its configuration ({@code testvm.*}, env {@code TESTVM_*}). */
@ConfigMapping(prefix = "testvm")
public interface OperatorConfig {

    VCenter vcenter();

    /**
     * Names this cluster on every VM it clones (extraConfig testvm.dev/cluster), so that the orphan
     * sweepers of several clusters sharing one vCenter never touch each other's VMs. Unset: the UID
     * of namespace kube-system.
     */
    Optional<String> clusterId();

    Discovery discovery();

    Sweeper sweeper();

    /**
     * VCenter resources (docs/vcenters.md). Read where they are used ({@code @ConfigProperty}); declared
     * here so that {@code testvm.vcenters.*} given as properties (not only as env vars) are known keys.
     */
    VCenters vcenters();

    interface VCenters {

        /** Namespace of VCenter credentials Secrets; unset: the operator's own (its pod's), or start-up fails. */
        Optional<String> secretNamespace();

        /** This replica serves only the VCenters its selector matches, and their TestVMs (sharding). */
        @WithDefault("false")
        boolean shard();
    }

    interface VCenter {

        /** The SDK endpoint, e.g. https://vcenter.example.com/sdk. */
        URI url();

        String username();

        /** Comes from the vCenter credentials Secret through the env var TESTVM_VCENTER_PASSWORD. */
        String password();

        /** PEM file of CA certificates trusted in addition to the JDK's. */
        Optional<Path> caBundle();

        /** SHA-256 thumbprint of the vCenter certificate to pin (AA:BB:...). */
        Optional<String> thumbprint();

        /** Turn TLS verification off. Only for labs; never the default. */
        @WithDefault("false")
        boolean insecure();

        /** Datacenter used when a TestVM names none in spec.placement.datacenter. */
        String datacenter();

        /** Bound on concurrent clone / power / destroy tasks this operator keeps in vCenter. */
        @WithDefault("8")
        int maxConcurrentTasks();

        @WithDefault("60s")
        Duration requestTimeout();
    }

    interface Discovery {

        /** First retry delay while guest operations race the guest's boot. */
        @WithDefault("250ms")
        Duration initialBackoff();

        /** Retry delay cap; keeps discovery latency under a second (see docs/benchmarks.md). */
        @WithDefault("500ms")
        Duration maxBackoff();

        /** Backstop requeue while a vSphere task runs; events normally arrive first. */
        @WithDefault("30s")
        Duration taskPollInterval();
    }

    /** The orphan sweeper: destroys VMs carrying testvm.dev/uid of a TestVM that no longer exists. */
    interface Sweeper {

        @WithDefault("true")
        boolean enabled();

        /**
         * Time between sweeps (the first one comes one interval after start-up). One sweep is one
         * property read over all VMs plus one TestVM list; every 5 minutes is cheap even with
         * thousands of VMs, and an orphan costs at most its VM's resources meanwhile.
         */
        @WithDefault("5m")
        Duration interval();

        /**
         * How long a VM must have been seen orphaned (counted from the first sweep that saw it so,
         * not from the VM's creation) before it is destroyed: time for a human who stripped a
         * finalizer by mistake to notice, and three sweeps' worth of second looks.
         */
        @WithDefault("15m")
        Duration gracePeriod();

        /** How long the sweeper waits for one power-off or destroy task before moving on. */
        @WithDefault("5m")
        Duration taskTimeout();
    }
}
