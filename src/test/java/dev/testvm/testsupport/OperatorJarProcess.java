package dev.testvm.testsupport;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's own fast-jar ({@code target/quarkus-app/quarkus-run.jar}) run as a separate
 * process, configured as the Deployment in {@code deploy/} configures it: vCenter settings through
 * {@code TESTVM_*} environment variables, the Kubernetes API through {@code quarkus.kubernetes-client.*}
 * (a pod would use its service account instead), default ({@code prod}) profile. Used by the local
 * run and the scale benchmark; reads the process' memory and CPU from {@code /proc}.
 */
public final class OperatorJarProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** The namespace a local operator process counts as its own (its VCenter credentials Secrets); its lease is there too. */
    public static final String LOCAL_NAMESPACE = "default";

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OperatorJarProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * Starts the jar.
     *
     * @param jvmOptions JVM flags before {@code -jar} (e.g. the Deployment's {@code -XX:MaxRAMPercentage=75})
     * @param env        more environment variables (e.g. {@code TESTVM_VCENTER_MAX_CONCURRENT_TASKS})
     * @param logFile    where stdout and stderr go
     */
    public static OperatorJarProcess start(Config kube, Simulator simulator, List<String> jvmOptions, Map<String, String> env, Path logFile)
            throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run ./mvnw package -DskipTests first (the hack/ scripts do)");
        }
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.kubernetes-client.api-server-url=" + kube.getMasterUrl());
        add(command, "ca-cert-file", kube.getCaCertFile(), "ca-cert-data", kube.getCaCertData());
        add(command, "client-cert-file", kube.getClientCertFile(), "client-cert-data", kube.getClientCertData());
        add(command, "client-key-file", kube.getClientKeyFile(), "client-key-data", kube.getClientKeyData());
        command.add("-jar");
        command.add(JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().putAll(vcenterEnvironment(simulator));
        builder.environment().putAll(env);
        Process process = builder.start();
        ProcessReaper.record(process.toHandle());
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "operator-process-stop"));
        return new OperatorJarProcess(process, port, logFile);
    }

    /** The operator's vCenter settings for {@code simulator}, as deploy/config.yaml and the Secret give them. */
    public static Map<String, String> vcenterEnvironment(Simulator simulator) {
        return Map.of(
                "TESTVM_VCENTER_URL", simulator.url().toString(),
                "TESTVM_VCENTER_USERNAME", simulator.username(),
                // The simulator's throw-away login; a real deployment takes it from a Secret (deploy/).
                "TESTVM_VCENTER_PASSWORD", simulator.password(),
                "TESTVM_VCENTER_THUMBPRINT", simulator.thumbprint(),
                "TESTVM_VCENTER_DATACENTER", "DC0",
                // A process outside a pod cannot tell its namespace; deploy/ sets this from the pod's.
                "TESTVM_VCENTERS_SECRET_NAMESPACE", LOCAL_NAMESPACE);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void waitFor() throws InterruptedException {
        process.waitFor();
    }

    /** {@code http://127.0.0.1:PORT} of the operator's HTTP server (metrics, health). */
    public URI httpUrl() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** Waits until {@code /q/health/ready} answers 200 (logged in to vCenter, informers started). */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(httpUrl().resolve("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the operator was not ready within " + timeout + " (" + last + "); see " + log);
    }

    /** {@code GET /q/metrics} (Prometheus text). */
    public String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(httpUrl().resolve("/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Peak resident set size so far ({@code VmHWM} of {@code /proc/PID/status}), in KiB. */
    public long peakRssKib() {
        return statusKib("VmHWM:");
    }

    /** Current resident set size ({@code VmRSS}), in KiB. */
    public long rssKib() {
        return statusKib("VmRSS:");
    }

    /**
     * Starts a new peak-RSS measurement: writing 5 to {@code /proc/PID/clear_refs} resets
     * {@code VmHWM} to the current RSS (Linux 4.0+).
     *
     * @return false if the kernel refused
     */
    public boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** User + system CPU time the process has used so far ({@code /proc/PID/stat} fields 14 and 15), in seconds. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            // The command name (field 2) is in parentheses and may contain spaces: count from the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks / (double) clockTicksPerSecond();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM (the operator logs out of vCenter on shutdown), then SIGKILL after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private long statusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
            throw new IllegalStateException(field + " missing in /proc/" + pid() + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** USER_HZ; 100 on every Linux we run on, asked from getconf when available. */
    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void add(List<String> command, String fileKey, String file, String dataKey, String data) {
        if (file != null) {
            command.add("-Dquarkus.kubernetes-client." + fileKey + "=" + file);
        } else if (data != null) {
            command.add("-Dquarkus.kubernetes-client." + dataKey + "=" + data);
        }
    }
}
