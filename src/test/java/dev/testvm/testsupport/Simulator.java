package dev.testvm.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.soap.TlsContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running instance of the project's vCenter simulator ({@code vcsim/}, binary
 * {@code vcsim/bin/testvm-vcsim}): where it listens, how to trust it, and its control API.
 * Obtain one from {@link SimulatorExtension}; it is stopped when the extension's test class ends
 * (or by {@link #close()}).
 *
 * <p>Inventory (vcsim's VPX model plus ours): datacenter {@code DC0}, cluster {@code DC0_C0},
 * datastore {@code LocalDS_0}, network {@code VM Network}, templates under
 * {@code DC0/vm/Templates/} ({@code ubuntu-22.04} with snapshot {@code base}, {@code windows-2016},
 * {@code no-snapshot}, {@code ipv6-only}, {@code two-nics}, {@code apipa-first}); guest login
 * {@link #GUEST_USER} / {@link #GUEST_PASSWORD}.
 */
public final class Simulator implements AutoCloseable {

    public static final String GUEST_USER = "testvm";
    public static final String GUEST_PASSWORD = TestPasswords.register("testvm-guest-pw");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI url;
    private final String thumbprint;
    private final URI controlUrl;
    private final Path certificate;
    private final String username;
    private final String password;
    private final Path workDir;
    private final HttpClient control;

    Simulator(Process process, URI url, String thumbprint, URI controlUrl, Path certificate,
            String username, String password, Path workDir) {
        this.process = process;
        this.url = url;
        this.thumbprint = thumbprint;
        this.controlUrl = controlUrl;
        this.certificate = certificate;
        this.username = username;
        this.password = password;
        this.workDir = workDir;
        this.control = HttpClient.newBuilder().sslContext(TlsContexts.pinned(thumbprint))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The SDK endpoint, {@code https://127.0.0.1:PORT/sdk}. */
    public URI url() {
        return url;
    }

    /** SHA-256 thumbprint of the simulator's certificate, {@code AA:BB:...}. */
    public String thumbprint() {
        return thumbprint;
    }

    /** {@code https://127.0.0.1:PORT/testvm-sim}. */
    public URI controlUrl() {
        return controlUrl;
    }

    /** PEM file with the simulator's certificate (written by {@code -cert-out}). */
    public Path certificate() {
        return certificate;
    }

    /**
     * PEM file with the CA that signs the simulated ESXi hosts' certificates (as VMCA does), written
     * when the simulator runs with {@code -guest-file-mode vcenter}; empty in ESXi mode.
     */
    public java.util.Optional<Path> hostCaCertificate() {
        Path ca = workDir.resolve(SimulatorExtension.HOST_CA_FILE);
        return Files.isRegularFile(ca) ? java.util.Optional.of(ca) : java.util.Optional.empty();
    }

    /**
     * {@code GET /testvm-sim/hosts} (vCenter mode): each ESXi host's {@code name} (inventory name),
     * {@code moRef, fqdn, ip} (management address it listens on), {@code port, selfSigned, addedByIp,
     * mode} ({@code ok|refused|blackhole}), {@code certificateSwapped, thumbprintSha1, thumbprintSha256}.
     */
    public List<Map<String, Object>> hosts() {
        return read(send("GET", "/hosts", null), new TypeReference<>() {});
    }

    /**
     * {@code POST /testvm-sim/hosts/{name}?mode=...}: {@code ok}, {@code refused} (connections refused)
     * or {@code blackhole} (connections time out), as a firewall between client and host would.
     */
    public void hostMode(String hostName, String mode) {
        send("POST", "/hosts/" + hostName + "?mode=" + mode, null);
    }

    /**
     * {@code POST /testvm-sim/hosts/{name}?certificate=swapped|reported}: the host presents a new
     * certificate that vCenter does not report (or the reported one again).
     */
    public void swapHostCertificate(String hostName, boolean swapped) {
        send("POST", "/hosts/" + hostName + "?certificate=" + (swapped ? "swapped" : "reported"), null);
    }

    /** The vCenter user the simulator accepts (any non-empty user when started without one). */
    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** Settings that trust the simulator by thumbprint, with at most {@code maxConcurrentTasks} tasks. */
    public ConnectionSettings connectionSettings(int maxConcurrentTasks) {
        return new ConnectionSettings(url, username, password, null, thumbprint, false, maxConcurrentTasks, Duration.ofSeconds(30));
    }

    public ConnectionSettings connectionSettings() {
        return connectionSettings(16);
    }

    /** {@code POST /testvm-sim/sessions/expire}: every session is forgotten, as after vCenter's idle timeout. */
    public void expireSessions() {
        send("POST", "/sessions/expire", null);
    }

    /**
     * {@code POST /testvm-sim/faults}: the next {@code count} calls of {@code method} fail with
     * {@code fault} (a SOAP fault) or, with {@code taskFault}, their task ends in that error.
     */
    public void addFault(String method, String fault, String taskFault, double delaySeconds, int count) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", method);
        if (fault != null) {
            body.put("fault", fault);
        }
        if (taskFault != null) {
            body.put("taskFault", taskFault);
        }
        body.put("delaySeconds", delaySeconds);
        body.put("count", count);
        send("POST", "/faults", body);
    }

    /** {@code DELETE /testvm-sim/faults}. */
    public void clearFaults() {
        send("DELETE", "/faults", null);
    }

    /** {@code POST /testvm-sim/unreachable?on=...}: the SDK endpoint stops (or resumes) answering. */
    public void unreachable(boolean on) {
        send("POST", "/unreachable?on=" + on, null);
    }

    /** {@code DELETE /testvm-sim/vms/{moRef}}: powers the VM off and destroys it behind the operator's back. */
    public void destroyVm(String moRefValue) {
        send("DELETE", "/vms/" + moRefValue, null);
    }

    /** {@code GET /testvm-sim/vms}: the simulator's view of every VM, as JSON objects. */
    public List<Map<String, Object>> vms() {
        return read(send("GET", "/vms", null), new TypeReference<>() {});
    }

    /**
     * {@code POST /testvm-sim/templates}: a new source VM {@code Templates/<name>}, a copy of the
     * built-in template {@code from} with {@code knobs} (e.g. {@code toolsPollSeconds}) laid over its
     * own; {@code networks} (if not empty) replaces its NICs; {@code poweredOn} makes a running VM
     * (an instant-clone source) instead of a template.
     *
     * @return false if a VM of that name already exists (the simulator answered 409)
     */
    public boolean addTemplate(String name, String from, Map<String, String> knobs, List<String> networks, boolean poweredOn) {
        return addTemplate(name, from, knobs, networks, poweredOn, null);
    }

    /** As above, on the ESXi host with inventory name {@code host} (vCenter guest file mode; null = the default host). */
    public boolean addTemplate(String name, String from, Map<String, String> knobs, List<String> networks, boolean poweredOn,
            String host) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (host != null) {
            body.put("host", host);
        }
        body.put("name", name);
        body.put("from", from);
        body.put("knobs", knobs == null ? Map.of() : knobs);
        body.put("networks", networks == null ? List.of() : networks);
        body.put("poweredOn", poweredOn);
        try {
            send("POST", "/templates", body);
            return true;
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().contains("HTTP 409")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Back to a fresh simulator for the next test class sharing this process: tasks in flight
     * ended, no fault rules, reachable, every ESXi host answering with its reported certificate,
     * no session, every VM a test made (those with a {@code testvm.dev/uid}) destroyed, counters
     * at zero. Templates tests added stay (their names are their own).
     */
    public void reset() {
        clearFaults();
        unreachable(false);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (stats().runningTasks() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // a clone still running would make a VM after the clean-up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (hostCaCertificate().isPresent()) { // ESXi hosts of their own only in vCenter guest-file mode
            for (Map<String, Object> host : hosts()) {
                String name = String.valueOf(host.get("name"));
                hostMode(name, "ok");
                swapHostCertificate(name, false);
            }
        }
        for (Map<String, Object> vm : vms()) {
            Object uid = vm.get("uid");
            if (uid != null && !"".equals(uid)) {
                destroyVm(String.valueOf(vm.get("moRef")));
            }
        }
        expireSessions();
        resetStats();
    }

    /** {@code GET /testvm-sim/faults}: the rules with their {@code hits}. */
    public List<Map<String, Object>> faults() {
        return read(send("GET", "/faults", null), new TypeReference<>() {});
    }

    /** {@code GET /testvm-sim/stats}. */
    public Stats stats() {
        return read(send("GET", "/stats", null), new TypeReference<>() {});
    }

    /** {@code DELETE /testvm-sim/stats}: counters (requests, logins, peak tasks) start again from zero. */
    public void resetStats() {
        send("DELETE", "/stats", null);
    }

    /** Counters kept by the simulator since it started (or since {@link #resetStats()}). */
    public record Stats(Map<String, Long> requestsByMethod, long loginCount, long logoutCount,
            long activeSessions, long peakConcurrentTasks, long runningTasks, Map<String, Long> tasksByMethod,
            long rejectedWhileUnreachable, long faultsInjected, long invalidRequests, List<String> lastInvalidReasons) {

        public long requests(String method) {
            return requestsByMethod == null ? 0 : requestsByMethod.getOrDefault(method, 0L);
        }

        /** Tasks of this method handed to a client. */
        public long tasks(String method) {
            return tasksByMethod == null ? 0 : tasksByMethod.getOrDefault(method, 0L);
        }

        /** Every SOAP request that reached {@code /sdk}. */
        public long totalRequests() {
            return requestsByMethod == null ? 0 : requestsByMethod.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private String send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(controlUrl + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, publisher).build();
            HttpResponse<String> response = control.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("simulator control API " + method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readerFor(JSON.getTypeFactory().constructType(type))
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
        } catch (IOException e) {
            throw new IllegalStateException("unexpected simulator JSON: " + json, e);
        }
    }

    /** The simulator's stderr so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(workDir.resolve("stderr.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** The simulator's process id (e.g. to ask it for a goroutine dump with SIGQUIT). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes its stdin (it exits on EOF), then kills it and any children that are left, and deletes its temporary files. */
    @Override
    public void close() {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        deleteWorkDir();
    }

    /** Removes the certificate and stderr log written for this run. */
    private void deleteWorkDir() {
        try (java.util.stream.Stream<Path> files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temporary directory
        }
    }
}
