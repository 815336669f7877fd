package dev.testvm.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A kube-apiserver + etcd of its own (not the JVM's shared one) that writes an audit log entry,
 * level Metadata, for every request: who (including whom they impersonated), which verb, which
 * resource and subresource, and the response code. For tests that must know exactly which API
 * calls a component makes.
 */
public final class AuditedKubeApiServer implements AutoCloseable {

    private static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: Metadata
            """;

    private final KubeAPIServer server;
    private final Path auditLog;

    private AuditedKubeApiServer(KubeAPIServer server, Path auditLog) {
        this.server = server;
        this.auditLog = auditLog;
    }

    public static AuditedKubeApiServer start() {
        try {
            Path dir = Files.createTempDirectory("testvm-audited-apiserver-");
            Path policy = Files.writeString(dir.resolve("audit-policy.yaml"), POLICY);
            Path auditLog = dir.resolve("audit.log");
            KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withUpdateKubeConfig(false)
                    .withOfflineMode(true)
                    .withStartupTimeout(120_000)
                    .withApiServerFlag("--advertise-address", "127.0.0.1")
                    .withApiServerFlag("--audit-policy-file", policy.toString())
                    .withApiServerFlag("--audit-log-path", auditLog.toString())
                    .withApiServerFlag("--audit-log-format", "json")
                    // Every entry is on disk when the request returns, so a test can read the log right away.
                    .withApiServerFlag("--audit-log-mode", "blocking")
                    .build());
            server.start();
            ProcessReaper.recordDescendants(List.of("/etcd", "/kube-apiserver"));
            return new AuditedKubeApiServer(server, auditLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Client configuration of the admin (system:masters), which may impersonate anyone. */
    public Config adminConfig() {
        return Config.fromKubeconfig(server.getKubeConfigYaml());
    }

    /** One JSON object per line, as kube-apiserver writes them. */
    public Path auditLog() {
        return auditLog;
    }

    @Override
    public void close() {
        server.stop();
    }
}
