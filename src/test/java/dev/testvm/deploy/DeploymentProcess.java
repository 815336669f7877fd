package dev.testvm.deploy;

import dev.testvm.testsupport.ProcessReaper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kubelet would do with a Deployment read back from the API server, for its one container,
 * with the operator's fast-jar in place of the image (whose entrypoint is {@code java -jar
 * quarkus-run.jar}; hack/build-image.sh checks that): the environment from its {@code env} and
 * {@code envFrom} (ConfigMaps, Secrets, the pod's namespace and name), the Kubernetes API reached
 * with a token of the pod's ServiceAccount (TokenRequest, as a projected token would be), its
 * {@code http} port on a free local port, and its probes' paths. Nothing else is given to the
 * process: no kubeconfig, no client certificate.
 */
final class DeploymentProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final int httpPort;
    private final Container container;
    private final String podName;
    private final Path log;

    private DeploymentProcess(Process process, int httpPort, Container container, String podName, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.container = container;
        this.podName = podName;
        this.log = log;
    }

    static DeploymentProcess start(KubernetesClient admin, Config kube, String namespace, String name, Path log) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: this test runs after `package` (./mvnw verify)");
        }
        Deployment deployment = admin.apps().deployments().inNamespace(namespace).withName(name).require();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        String podName = name + "-0";
        checkVolumes(pod, container);

        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            env.putAll(envFrom(admin, namespace, from));
        }
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : resolve(admin, namespace, podName, var.getValueFrom()));
        }
        String token = admin.serviceAccounts().inNamespace(namespace).withName(pod.getServiceAccountName())
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        int port = freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", kube.getMasterUrl());
        env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", caData(kube));
        env.put("QUARKUS_KUBERNETES_CLIENT_TOKEN", token);
        env.put("HOSTNAME", podName);
        // No other identity to fall back on.
        env.put("KUBECONFIG", "/nonexistent/kubeconfig");

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        builder.environment().putAll(env);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessReaper.record(process.toHandle());
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "chart-operator-stop"));
        return new DeploymentProcess(process, port, container, podName, log);
    }

    String podName() {
        return podName;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** HTTP status of the container's startup, readiness or liveness probe; -1 while nothing answers. */
    int probe(String which) {
        var probe = switch (which) {
            case "startup" -> container.getStartupProbe();
            case "readiness" -> container.getReadinessProbe();
            case "liveness" -> container.getLivenessProbe();
            default -> throw new IllegalArgumentException(which);
        };
        HTTPGetAction get = probe.getHttpGet();
        if (!"http".equals(get.getPort().getStrVal())) {
            throw new IllegalStateException("probe on port " + get.getPort() + ", expected the container port named http");
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + get.getPath())).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The chart's defaults mount only an emptyDir on /tmp, which the host's /tmp stands in for. */
    private static void checkVolumes(PodSpec pod, Container container) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            if (volume.getEmptyDir() == null || !"/tmp".equals(mount.getMountPath())) {
                throw new IllegalStateException("volume " + mount.getName() + " at " + mount.getMountPath() + " is not supported here");
            }
        }
    }

    private static Map<String, String> envFrom(KubernetesClient admin, String namespace, EnvFromSource from) {
        if (from.getConfigMapRef() != null) {
            ConfigMap configMap = admin.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).require();
            return configMap.getData();
        }
        Secret secret = admin.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).require();
        Map<String, String> decoded = new HashMap<>();
        secret.getData().forEach((k, v) -> decoded.put(k, decode(v)));
        return decoded;
    }

    private static String resolve(KubernetesClient admin, String namespace, String podName, EnvVarSource source) {
        if (source.getSecretKeyRef() != null) {
            Secret secret = admin.secrets().inNamespace(namespace).withName(source.getSecretKeyRef().getName()).require();
            return decode(secret.getData().get(source.getSecretKeyRef().getKey()));
        }
        if (source.getConfigMapKeyRef() != null) {
            return admin.configMaps().inNamespace(namespace).withName(source.getConfigMapKeyRef().getName()).require()
                    .getData().get(source.getConfigMapKeyRef().getKey());
        }
        if (source.getFieldRef() != null) {
            return switch (source.getFieldRef().getFieldPath()) {
                case "metadata.namespace" -> namespace;
                case "metadata.name" -> podName;
                default -> throw new IllegalStateException("fieldRef " + source.getFieldRef().getFieldPath() + " is not supported here");
            };
        }
        throw new IllegalStateException("env source " + source + " is not supported here");
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static String caData(Config kube) throws IOException {
        if (kube.getCaCertData() != null) {
            return kube.getCaCertData();
        }
        return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(kube.getCaCertFile())));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
