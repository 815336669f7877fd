package dev.testvm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The operator's JVM flags as {@code deploy/deployment.yaml} gives them, so the benchmarks run the
 * jar as the Deployment does: the container's {@code JAVA_TOOL_OPTIONS}, then what the JVM would
 * read from the container's cgroup limits ({@code -XX:MaxRAM}, {@code -XX:ActiveProcessorCount}),
 * which outside a container must be said explicitly. The chart renders the same Deployment
 * (HelmChartTest), so there is one place to change them.
 */
final class DeploymentJvm {

    static final Path DEPLOYMENT = Path.of("deploy", "deployment.yaml");

    private DeploymentJvm() {}

    /** The flags of the Deployment in {@code deploy/}. */
    static String options() {
        try {
            return options(Files.readString(DEPLOYMENT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String options(String deploymentYaml) throws IOException {
        JsonNode container = new YAMLMapper().readTree(deploymentYaml).at("/spec/template/spec/containers/0");
        String toolOptions = "";
        for (JsonNode env : container.path("env")) {
            if ("JAVA_TOOL_OPTIONS".equals(env.path("name").asText())) {
                toolOptions = env.path("value").asText();
            }
        }
        JsonNode limits = container.at("/resources/limits");
        if (!limits.hasNonNull("memory") || !limits.hasNonNull("cpu")) {
            throw new IllegalStateException(DEPLOYMENT + " has no memory and CPU limits to size the JVM from");
        }
        long memoryMib = Quantity.getAmountInBytes(new Quantity(limits.get("memory").asText())).longValue() / (1024 * 1024);
        int cpus = Math.max(1, Quantity.getAmountInBytes(new Quantity(limits.get("cpu").asText())).setScale(0,
                java.math.RoundingMode.CEILING).intValue());
        return String.format(Locale.ROOT, "%s -XX:MaxRAM=%dm -XX:ActiveProcessorCount=%d", toolOptions, memoryMib, cpus).trim();
    }
}
