package dev.testvm.testsupport;

import dev.testvm.config.OperatorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Operator configuration for code that builds the reconciler itself, outside Quarkus (tests and
 * benchmarks). The vCenter connection itself comes from the caller's own {@code VCenterRegistry}.
 */
public record TestOperatorConfig(URI url, String datacenter, Duration taskPollInterval, Duration initialBackoff,
        Duration maxBackoff, int maxConcurrentTasks) implements OperatorConfig {

    /** The operator's defaults for discovery backoff (250 ms doubling to 500 ms) and 8 tasks in flight. */
    public TestOperatorConfig(URI url, String datacenter, Duration taskPollInterval) {
        this(url, datacenter, taskPollInterval, Duration.ofMillis(250), Duration.ofMillis(500), 8);
    }

    /** Unset, as in production: the cluster is named by the UID of its kube-system namespace. */
    @Override
    public Optional<String> clusterId() {
        return Optional.empty();
    }

    @Override
    public VCenters vcenters() {
        return new VCenters() {
            public Optional<String> secretNamespace() { return Optional.empty(); }
            public boolean shard() { return false; }
        };
    }

    @Override
    public VCenter vcenter() {
        return new VCenter() {
            public URI url() { return url; }
            public String username() { return "testvm-operator"; }
            public String password() { return "unused-here"; }
            public Optional<Path> caBundle() { return Optional.empty(); }
            public Optional<String> thumbprint() { return Optional.empty(); }
            public boolean insecure() { return false; }
            public String datacenter() { return datacenter; }
            public int maxConcurrentTasks() { return maxConcurrentTasks; }
            public Duration requestTimeout() { return Duration.ofSeconds(30); }
        };
    }

    @Override
    public Discovery discovery() {
        return new Discovery() {
            public Duration initialBackoff() { return initialBackoff; }
            public Duration maxBackoff() { return maxBackoff; }
            public Duration taskPollInterval() { return taskPollInterval; }
        };
    }

    /** The operator's defaults: on, every 5 minutes, 15 minutes' grace. */
    @Override
    public Sweeper sweeper() {
        return new Sweeper() {
            public boolean enabled() { return true; }
            public Duration interval() { return Duration.ofMinutes(5); }
            public Duration gracePeriod() { return Duration.ofMinutes(15); }
            public Duration taskTimeout() { return Duration.ofMinutes(5); }
        };
    }
}
