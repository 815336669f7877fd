package dev.testvm.testsupport;

import dev.testvm.config.OperatorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Operator configuration for tests that build the reconciler themselves (outside Quarkus). The
 * vCenter connection itself comes from the test's own {@code VCenterHolder}.
 */
public record TestOperatorConfig(URI url, String datacenter, Duration taskPollInterval) implements OperatorConfig {

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
            public int maxConcurrentTasks() { return 8; }
            public Duration requestTimeout() { return Duration.ofSeconds(30); }
        };
    }

    @Override
    public Discovery discovery() {
        return new Discovery() {
            public Duration initialBackoff() { return Duration.ofMillis(250); }
            public Duration maxBackoff() { return Duration.ofSeconds(1); }
            public Duration taskPollInterval() { return taskPollInterval; }
        };
    }
}
