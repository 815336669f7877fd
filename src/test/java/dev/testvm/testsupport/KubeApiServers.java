package dev.testvm.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One real etcd + kube-apiserver per class loader that loads this class, started by kube-api-test
 * on random ports from the binaries {@code hack/kube-binaries.sh} builds (the test command runs it
 * before the tests). In the surefire JVM that is two: Quarkus tests load their own copy of this
 * class, plain JUnit tests another; each test class sees one server throughout.
 */
public final class KubeApiServers {

    private static KubeAPIServer server;
    private static String kubeConfigYaml;

    private KubeApiServers() {}

    /** Starts the shared API server on first call; it stops when the JVM exits. */
    public static synchronized String kubeConfigYaml() {
        if (server == null) {
            ProcessReaper.reapOrphans();
            KubeAPIServer started = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withUpdateKubeConfig(false)
                    .withOfflineMode(offline())
                    .withStartupTimeout(120_000)
                    // Without it kube-apiserver derives its address from the default route, which a
                    // network-less machine lacks.
                    .withApiServerFlag("--advertise-address", "127.0.0.1")
                    .build());
            started.start();
            ProcessReaper.recordDescendants(List.of("/etcd", "/kube-apiserver"));
            server = started;
            kubeConfigYaml = started.getKubeConfigYaml();
            // Everything the operator writes to this server during the run, for the secret-leak audit.
            KubeObjectRecorder recorder = KubeObjectRecorder.start(newClient());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                recorder.close();
                started.stop();
            }, "kube-api-server-stop"));
        }
        return kubeConfigYaml;
    }

    /** A new client for the shared API server; close it when done. */
    public static KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml())).build();
    }

    /** The kubeconfig written to a file, for running the real kubectl against the test server. */
    public static synchronized Path kubeConfigFile() {
        try {
            Path file = Path.of("target", "test-kubeconfig.yaml").toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, kubeConfigYaml());
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** kube-api-test downloads missing binaries unless offline; our build provides them, so default offline. */
    private static boolean offline() {
        return !Boolean.parseBoolean(System.getProperty("testvm.kube.download", "false"));
    }
}
