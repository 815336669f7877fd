package dev.testvm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code charts/testvm-operator}, checked with the real helm ({@code hack/helm.sh})
 * and the real API server: lint, server-side dry-run of what it renders, the same objects as
 * {@code deploy/} with default values, its {@code crds/} equal to the repository's, and every value
 * landing where the operator reads it.
 */
class HelmChartTest {

    private static final String NAMESPACE = "testvm-system";
    /** Labels Helm charts put on objects for Helm's bookkeeping; deploy/ has no use for them. */
    private static final Set<String> HELM_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by",
            "app.kubernetes.io/instance", "app.kubernetes.io/version");
    /** A value for every option that changes what is rendered (ServiceMonitor apart: see its own test). */
    static final String ALL_OPTIONS = """
            vcenter:
              url: https://vc.lab.example/sdk
              datacenter: DC-Lab
              credentialsSecret: {name: vc-login, usernameKey: user, passwordKey: pass}
              caBundle: |
                -----BEGIN CERTIFICATE-----
                MIIBszCCAVmgAwIBAgIUQ2FuYXJ5IGNlcnRpZmljYXRlIG9ubHkwCgYIKoZIzj0E
                -----END CERTIFICATE-----
              thumbprint: "AA:BB:CC:DD"
              maxConcurrentTasks: 3
            watchNamespaces: [ci-a, ci-b]
            clusterId: lab-1
            sweeper: {enabled: false, interval: 10m, gracePeriod: 30m}
            leaderElection: {enabled: false}
            image: {repository: registry.lab.example/testvm-operator, tag: "0.2.0", pullPolicy: Always}
            imagePullSecrets: [{name: lab-registry}]
            resources: {requests: {cpu: 50m, memory: 200Mi}, limits: {cpu: null, memory: 400Mi}}
            metrics: {service: {enabled: true}}
            jsonLogs: true
            extraEnv: {TESTVM_VCENTER_REQUEST_TIMEOUT: 90s}
            serviceAccount: {name: vm-operator, annotations: {team: ci}}
            podAnnotations: {prometheus.io/scrape: "true"}
            nodeSelector: {kubernetes.io/os: linux}
            """;

    @BeforeAll
    static void namespace() {
        try (KubernetesClient client = KubeApiServers.newClient()) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
        }
    }

    @Test
    void lintPassesWithDefaultsAndWithEveryOption() {
        Helm.Result defaults = Helm.run("lint", "--strict", Helm.CHART.toString());
        assertThat(defaults.exitCode()).as(defaults.both()).isZero();
        assertThat(defaults.both()).contains("1 chart(s) linted, 0 chart(s) failed");
        Helm.Result options = Helm.run("lint", "--strict", Helm.CHART.toString(), "-f", Helm.valuesFile(ALL_OPTIONS).toString());
        assertThat(options.exitCode()).as(options.both()).isZero();
    }

    @Test
    void renderedChartPassesServerSideDryRun() {
        for (String values : List.of("{}", ALL_OPTIONS)) {
            String rendered = Helm.template("testvm-operator", NAMESPACE, "-f", Helm.valuesFile(values).toString());
            Kubectl.Result result = Kubectl.run(rendered, "apply", "--dry-run=server", "--validate=strict", "-f", "-");
            assertThat(result.exitCode()).as(values + "\n" + result.output()).isZero();
            assertThat(result.output()).contains("customresourcedefinition.apiextensions.k8s.io/testvms.testvm.dev")
                    .contains("deployment.apps/").contains("(server dry run)");
        }
    }

    /** kustomize deploy/ and the chart with default values: the same objects, but for Helm's labels. */
    @Test
    void defaultValuesRenderWhatKustomizeRendersFromDeploy() {
        Kubectl.Result kustomized = Kubectl.run(null, "kustomize", Path.of("deploy").toAbsolutePath().toString());
        assertThat(kustomized.exitCode()).as(kustomized.output()).isZero();
        Map<String, ObjectNode> fromDeploy = Manifests.parse(kustomized.output());
        // Helm does not own the namespace it installs into (helm install --create-namespace).
        assertThat(fromDeploy.remove("Namespace /" + NAMESPACE)).as("deploy/ creates the namespace").isNotNull();
        Map<String, ObjectNode> fromChart = Manifests.parse(Helm.template("testvm-operator", NAMESPACE));

        ObjectNode deployment = Manifests.get(fromChart, "Deployment", "testvm-operator");
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        deployment.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(podLabels.path(e.getKey()).asText()).as("selector " + e.getKey()).isEqualTo(e.getValue().asText()));

        fromDeploy.replaceAll((key, object) -> withoutHelmBookkeeping(object));
        fromChart.replaceAll((key, object) -> withoutHelmBookkeeping(object));
        assertThat(fromChart.keySet()).isEqualTo(fromDeploy.keySet());
        fromDeploy.forEach((key, object) -> assertThat(fromChart.get(key)).as(key).isEqualTo(object));
    }

    /**
     * The chart's crds/ links to the repository's crds/ (which the build checks against the code), so
     * a new CRD there is in the chart at once; kustomize's index of the directory is .helmignored.
     */
    @Test
    void chartShipsExactlyTheRepositoryCrds() throws IOException {
        Map<String, ObjectNode> repository = new TreeMap<>();
        for (Map.Entry<String, String> file : yamlFiles(Path.of("crds")).entrySet()) {
            if (!file.getKey().equals("kustomization.yaml")) {
                repository.putAll(Manifests.parse(file.getValue()));
            }
        }
        assertThat(repository).isNotEmpty();
        Map<String, ObjectNode> rendered = Manifests.parse(Helm.template("testvm-operator", NAMESPACE));
        rendered.keySet().removeIf(key -> !key.startsWith("CustomResourceDefinition "));
        assertThat(rendered).isEqualTo(repository);
    }

    /** The links (crds/, files/deploy-rbac.yaml) are resolved into the packaged chart: it stands alone. */
    @Test
    void packagedChartRendersTheSameAsTheDirectory(@TempDir Path dir) {
        Helm.Result packaged = Helm.run("package", Helm.CHART.toString(), "--destination", dir.toString());
        assertThat(packaged.exitCode()).as(packaged.both()).isZero();
        Path archive = dir.resolve("testvm-operator-0.1.0.tgz");
        assertThat(archive).exists();
        Helm.Result fromArchive = Helm.run("template", "testvm-operator", archive.toString(), "--namespace", NAMESPACE, "--include-crds");
        assertThat(fromArchive.exitCode()).as(fromArchive.both()).isZero();
        assertThat(Manifests.parse(fromArchive.stdout())).isEqualTo(Manifests.parse(Helm.template("testvm-operator", NAMESPACE)));
    }

    @Test
    void everyValueLandsWhereTheOperatorReadsIt() {
        Map<String, ObjectNode> objects = Manifests.parse(Helm.template("ci", "ops", "-f", Helm.valuesFile(ALL_OPTIONS).toString()));
        Map<String, String> env = Manifests.data(Manifests.get(objects, "ConfigMap", "ci-testvm-operator-config"));
        assertThat(env).containsEntry("TESTVM_VCENTER_URL", "https://vc.lab.example/sdk")
                .containsEntry("TESTVM_VCENTER_DATACENTER", "DC-Lab")
                .containsEntry("TESTVM_VCENTER_MAX_CONCURRENT_TASKS", "3")
                .containsEntry("TESTVM_VCENTER_CA_BUNDLE", "/etc/testvm/vcenter-ca/ca.pem")
                .containsEntry("TESTVM_VCENTER_THUMBPRINT", "AA:BB:CC:DD")
                .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "ci-a,ci-b")
                .containsEntry("TESTVM_CLUSTER_ID", "lab-1")
                .containsEntry("TESTVM_SWEEPER_ENABLED", "false")
                .containsEntry("TESTVM_SWEEPER_INTERVAL", "10m")
                .containsEntry("TESTVM_SWEEPER_GRACE_PERIOD", "30m")
                .containsEntry("QUARKUS_PROFILE", "single-replica")
                .containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                .containsEntry("TESTVM_VCENTER_REQUEST_TIMEOUT", "90s")
                .doesNotContainKey("TESTVM_VCENTER_INSECURE");
        assertThat(Manifests.data(Manifests.get(objects, "ConfigMap", "ci-testvm-operator-vcenter-ca")).get("ca.pem"))
                .startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");

        JsonNode pod = Manifests.get(objects, "Deployment", "ci-testvm-operator").path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("registry.lab.example/testvm-operator:0.2.0");
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(container.path("env").toString()).contains("{\"name\":\"vc-login\",\"key\":\"user\"}", "{\"name\":\"vc-login\",\"key\":\"pass\"}");
        assertThat(container.path("resources")).isEqualTo(Manifests.parse("""
                kind: Resources
                requests: {cpu: 50m, memory: 200Mi}
                limits: {memory: 400Mi}
                """).values().iterator().next().without("kind"));
        assertThat(container.path("volumeMounts").toString()).contains("\"mountPath\":\"/etc/testvm/vcenter-ca\"");
        assertThat(pod.path("spec").path("volumes").toString()).contains("{\"name\":\"ci-testvm-operator-vcenter-ca\"}");
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("vm-operator");
        assertThat(pod.path("spec").path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"lab-registry\"}]");
        assertThat(pod.path("spec").path("nodeSelector").toString()).isEqualTo("{\"kubernetes.io/os\":\"linux\"}");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/scrape").asText()).isEqualTo("true");

        // Leader election off: no Lease permissions (the VCenter credentials Role stays); the metrics Service selects the operator's pods.
        assertThat(objects.keySet()).filteredOn(k -> k.startsWith("Role ") || k.startsWith("RoleBinding "))
                .containsExactlyInAnyOrder("Role ops/ci-testvm-operator-vcenter-credentials", "RoleBinding ops/ci-testvm-operator-vcenter-credentials");
        assertThat(Manifests.get(objects, "ClusterRoleBinding", "ci-testvm-operator").path("subjects").toString())
                .contains("\"name\":\"vm-operator\",\"namespace\":\"ops\"");
        assertSelects(Manifests.get(objects, "Service", "ci-testvm-operator-metrics").path("spec").path("selector"), pod);
    }

    @Test
    void serviceMonitorScrapesTheMetricsEndpoint() {
        Map<String, ObjectNode> objects = Manifests.parse(Helm.template("testvm-operator", NAMESPACE,
                "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.serviceMonitor.labels.release=prom"));
        ObjectNode monitor = Manifests.get(objects, "ServiceMonitor", "testvm-operator");
        ObjectNode service = Manifests.get(objects, "Service", "testvm-operator-metrics");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("prom");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        JsonNode serviceLabels = service.path("metadata").path("labels");
        monitor.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(serviceLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        assertSelects(service.path("spec").path("selector"), Manifests.get(objects, "Deployment", "testvm-operator").path("spec").path("template"));
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        // Off by default: no prometheus-operator CRD needed for a plain install.
        assertThat(Manifests.parse(Helm.template("testvm-operator", NAMESPACE)).keySet()).noneMatch(k -> k.startsWith("ServiceMonitor") || k.startsWith("Service "));
    }

    @Test
    void valuesThatCannotWorkAreRefusedWithTheirName() {
        assertRefused("replicaCount > 1 needs leaderElection.enabled=true", "--set", "leaderElection.enabled=false", "--set", "replicaCount=2");
        assertRefused("vcenter.insecure=true turns TLS verification off", "--set", "vcenter.insecure=true", "--set", "vcenter.thumbprint=AA:BB");
        assertRefused("thumbprint", "--set", "vcenter.thumbprint=not-a-thumbprint");
        assertRefused("url", "--set", "vcenter.url=vcenter.example.com");
        assertRefused("maxConcurrentTasks", "--set", "vcenter.maxConcurrentTasks=0");
        assertRefused("watchNamespaces", "--set", "watchNamespaces={Not_A_Namespace}");
    }

    private static void assertRefused(String message, String... sets) {
        String[] args = Stream.concat(Stream.of("template", "x", Helm.CHART.toString()), Stream.of(sets)).toArray(String[]::new);
        Helm.Result result = Helm.run(args);
        assertThat(result.exitCode()).as(String.join(" ", sets)).isNotZero();
        assertThat(result.stderr()).as(String.join(" ", sets)).contains(message);
    }

    private static void assertSelects(JsonNode selector, JsonNode podTemplate) {
        assertThat(selector.size()).isPositive();
        JsonNode labels = podTemplate.path("metadata").path("labels");
        selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).as("label " + e.getKey()).isEqualTo(e.getValue().asText()));
    }

    /**
     * Drops what only Helm adds: its bookkeeping labels (and the chart-wide name label on objects
     * deploy/ leaves unlabelled) and the pod template's config checksum, which restarts the operator
     * on a {@code helm upgrade} that changes its configuration.
     */
    private static ObjectNode withoutHelmBookkeeping(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        ObjectNode metadata = (ObjectNode) copy.path("metadata");
        removeLabels(metadata, HELM_LABELS);
        removeLabels(metadata, Set.of("app.kubernetes.io/name"));
        JsonNode spec = copy.path("spec");
        if (spec.path("selector").path("matchLabels") instanceof ObjectNode matchLabels) {
            matchLabels.remove(HELM_LABELS);
        }
        if (spec.path("template").path("metadata") instanceof ObjectNode podMetadata) {
            removeLabels(podMetadata, HELM_LABELS);
            if (podMetadata.path("annotations") instanceof ObjectNode annotations) {
                annotations.remove("checksum/config");
                if (annotations.isEmpty()) {
                    podMetadata.remove("annotations");
                }
            }
        }
        return copy;
    }

    private static void removeLabels(ObjectNode metadata, Set<String> keys) {
        if (metadata.path("labels") instanceof ObjectNode labels) {
            labels.remove(keys);
            if (labels.isEmpty()) {
                metadata.remove("labels");
            }
        }
    }

    private static Map<String, String> yamlFiles(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }
}
