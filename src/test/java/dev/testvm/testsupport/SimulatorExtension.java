package dev.testvm.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs the project's vCenter simulator for one test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SimulatorExtension SIM = new SimulatorExtension().timeScale(0.02);
 *
 * @Test void x() { VCenter vc = VimVCenter.connect(SIM.simulator().connectionSettings()); ... }
 * }</pre>
 *
 * or {@code @ExtendWith(SimulatorExtension.class)} with defaults and a {@link Simulator} test
 * method / constructor parameter.
 *
 * <p>Before the class: builds {@code vcsim/bin/testvm-vcsim} when it is missing or older than
 * any file of the Go module ({@code go build -o bin/testvm-vcsim .} in {@code vcsim/}; the repository
 * root is found by walking up from the working directory to a directory with
 * {@code vcsim/go.mod}; system property {@code testvm.vcsim.dir} or environment variable
 * {@code TESTVM_VCSIM_DIR} point elsewhere), starts it with {@code -listen 127.0.0.1:0
 * -exit-on-stdin-eof -time-scale F -cert-out <tmp>/vcsim.pem} (plus {@code -username} and the
 * password in {@code TESTVM_VCSIM_PASSWORD} when {@link #credentials} is set), and waits for
 * {@code TESTVM_VCSIM_READY}. After the class: closes its stdin, then kills it and its children.
 */
public final class SimulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** Default time scale: simulated durations are multiplied by this (0.02: a 30 s Tools poll takes 0.6 s). */
    public static final double DEFAULT_TIME_SCALE = 0.02;
    /** System property choosing the default guest file mode ({@code vcenter}, as the operator meets it, unless set): see {@link #guestFileMode}. */
    public static final String GUEST_FILE_MODE_PROPERTY = "testvm.vcsim.guestFileMode";
    static final String HOST_CA_FILE = "hosts-ca.pem";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(8);
    private static final Map<Path, Object> BUILD_LOCKS = new ConcurrentHashMap<>();
    /** System property: {@code false} gives every class its own simulator even where {@link #shared()} is asked. */
    public static final String SHARED_PROPERTY = "testvm.vcsim.shared";
    /** The shared simulators of this class loader, by settings. */
    private static final Map<String, Simulator> SHARED = new ConcurrentHashMap<>();

    private double timeScale = DEFAULT_TIME_SCALE;
    private String username = "testvm-operator";
    private String password = "any-password";
    private boolean checkCredentials;
    private Duration startTimeout = Duration.ofSeconds(60);
    private String guestFileMode = System.getProperty(GUEST_FILE_MODE_PROPERTY, "vcenter");
    private boolean allowInvalidRequests;
    private final List<String> extraArgs = new ArrayList<>();
    private boolean shared;
    private Simulator simulator;

    /** Simulated durations multiplied by {@code scale} (default {@value #DEFAULT_TIME_SCALE}). */
    public SimulatorExtension timeScale(double scale) {
        this.timeScale = scale;
        return this;
    }

    /** Makes the simulator accept only this user and password (default: any non-empty login). */
    public SimulatorExtension credentials(String user, String pass) {
        this.username = user;
        this.password = pass;
        this.checkCredentials = true;
        return this;
    }

    public SimulatorExtension startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /**
     * {@code esxi}: guest file transfer URLs have the host {@code *} and the SDK endpoint serves them
     * (as when connected to ESXi directly). {@code vcenter}: URLs name the VM's ESXi host (FQDNs that
     * do not resolve, one host added by IP), each host serves them on its own loopback address with its
     * own certificate (CA file: {@link Simulator#hostCaCertificate()}; one host self-signed).
     */
    public SimulatorExtension guestFileMode(String mode) {
        this.guestFileMode = mode;
        return this;
    }

    /**
     * The simulator refuses every SOAP request vCenter's deserializer would refuse (InvalidRequest);
     * by default a test class that made one fails after its tests, since such a request is a bug of
     * our client. Tests that send invalid requests on purpose allow them here.
     */
    public SimulatorExtension allowInvalidRequests() {
        this.allowInvalidRequests = true;
        return this;
    }

    /**
     * One simulator process per JVM for every class with the same settings: the first class
     * starts it, each class finds it {@link Simulator#reset() reset}, nobody stops it (it ends
     * with the JVM: {@code -parent-pid}, stdin EOF). Saves a simulator start per class. For classes
     * that leave nothing behind but what {@code reset} removes, and that do not count what exists
     * since the simulator started. {@code -D}{@value #SHARED_PROPERTY}{@code =false} turns sharing off.
     */
    public SimulatorExtension shared() {
        this.shared = Boolean.parseBoolean(System.getProperty(SHARED_PROPERTY, "true"));
        return this;
    }

    /** More command line flags for the simulator. */
    public SimulatorExtension args(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    /** Whether the simulator runs (between beforeAll and afterAll). */
    public boolean running() {
        return simulator != null;
    }

    /** The running simulator (between beforeAll and afterAll). */
    public Simulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator runs only while the test class runs (register the extension as static)");
        }
        return simulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        simulator = shared ? sharedSimulator() : start();
    }

    private Simulator sharedSimulator() throws IOException, InterruptedException {
        String key = timeScale + "|" + username + "|" + checkCredentials + "|" + guestFileMode + "|" + extraArgs;
        synchronized (SHARED) {
            Simulator running = SHARED.get(key);
            if (running != null && running.isAlive()) {
                running.reset();
                return running;
            }
            Simulator started = start();
            SHARED.put(key, started);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "testvm-vcsim-stop"));
            return started;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (simulator != null && shared) {
            Simulator.Stats stats = allowInvalidRequests ? null : statsOrNull(simulator);
            simulator = null; // stays up for the next class; reset when it starts
            failOnInvalidRequests(stats);
            return;
        }
        if (simulator != null) {
            Simulator.Stats stats = allowInvalidRequests ? null : statsOrNull(simulator);
            simulator.close();
            simulator = null;
            failOnInvalidRequests(stats);
        }
    }

    /** Counted since the simulator started or was reset, i.e. during this class. */
    private static void failOnInvalidRequests(Simulator.Stats stats) {
        if (stats != null && stats.invalidRequests() > 0) {
            throw new AssertionError("the simulator refused " + stats.invalidRequests()
                    + " request(s) as vCenter would (InvalidRequest): " + stats.lastInvalidReasons());
        }
    }

    private static Simulator.Stats statsOrNull(Simulator sim) {
        try {
            return sim.isAlive() ? sim.stats() : null;
        } catch (IllegalStateException e) {
            return null; // the simulator is unusable; the tests have said so already
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Simulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return simulator();
    }

    /** Starts a simulator outside JUnit (benchmarks); the caller closes it. */
    public Simulator start() throws IOException, InterruptedException {
        TestPasswords.register(password);
        Path moduleDir = moduleDir();
        Path binary = build(moduleDir);
        Path workDir = Files.createTempDirectory("testvm-vcsim-");
        Path cert = workDir.resolve("vcsim.pem");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-listen", "127.0.0.1:0", "-exit-on-stdin-eof", "-time-scale", Double.toString(timeScale),
                "-cert-out", cert.toString(),
                // a JVM killed without running afterAll must not leave the simulator behind
                "-parent-pid", Long.toString(ProcessHandle.current().pid())));
        command.addAll(List.of("-guest-file-mode", guestFileMode));
        if ("vcenter".equals(guestFileMode)) {
            command.addAll(List.of("-host-ca-out", workDir.resolve(HOST_CA_FILE).toString()));
        }
        if (checkCredentials) {
            command.add("-username");
            command.add(username);
        }
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(moduleDir.toFile())
                .redirectError(workDir.resolve("stderr.log").toFile());
        if (checkCredentials) {
            pb.environment().put("TESTVM_VCSIM_PASSWORD", password);
        }
        Process process = pb.start();
        Map<String, String> values = new ConcurrentHashMap<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> readStdout(process, values, ready), "testvm-vcsim-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS) || !values.containsKey("READY")) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            String stderr = Files.exists(workDir.resolve("stderr.log")) ? Files.readString(workDir.resolve("stderr.log")) : "";
            throw new IllegalStateException("simulator did not print TESTVM_VCSIM_READY within " + startTimeout
                    + " (alive=" + process.isAlive() + ", stdout=" + values + "); stderr:\n" + tail(stderr));
        }
        for (String key : List.of("URL", "THUMBPRINT", "CONTROL")) {
            if (!values.containsKey(key)) {
                process.destroyForcibly();
                throw new IllegalStateException("simulator did not print TESTVM_VCSIM_" + key + " before READY: " + values);
            }
        }
        return new Simulator(process, URI.create(values.get("URL")), values.get("THUMBPRINT"), URI.create(values.get("CONTROL")),
                cert, username, password, workDir);
    }

    private static void readStdout(Process process, Map<String, String> values, CountDownLatch ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("TESTVM_VCSIM_")) {
                    String rest = line.substring("TESTVM_VCSIM_".length()).trim();
                    int eq = rest.indexOf('=');
                    if (eq < 0) {
                        values.put(rest, "");
                        if (rest.equals("READY")) {
                            ready.countDown();
                        }
                    } else {
                        values.put(rest.substring(0, eq), rest.substring(eq + 1));
                    }
                }
                // other output is drained so the simulator never blocks on a full pipe
            }
        } catch (IOException ignored) {
            // process ended
        } finally {
            ready.countDown();
        }
    }

    /** The simulator's Go module directory. */
    static Path moduleDir() {
        String configured = System.getProperty("testvm.vcsim.dir", System.getenv("TESTVM_VCSIM_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("vcsim/go.mod"))) {
                return dir.resolve("vcsim");
            }
        }
        throw new IllegalStateException("no vcsim/go.mod above " + Path.of("").toAbsolutePath()
                + " (set -Dtestvm.vcsim.dir or TESTVM_VCSIM_DIR)");
    }

    /** Builds {@code bin/testvm-vcsim} unless it is newer than every source file; once per JVM and module at a time. */
    static Path build(Path moduleDir) throws IOException, InterruptedException {
        Path binary = moduleDir.resolve("bin/testvm-vcsim");
        synchronized (BUILD_LOCKS.computeIfAbsent(moduleDir, d -> new Object())) {
            if (Files.isExecutable(binary) && !sourcesNewerThan(moduleDir, Files.getLastModifiedTime(binary))) {
                return binary;
            }
            Path log = Files.createTempFile("testvm-vcsim-build-", ".log");
            Process go = new ProcessBuilder("go", "build", "-o", "bin/testvm-vcsim", ".")
                    .directory(moduleDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!go.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                go.descendants().forEach(ProcessHandle::destroyForcibly);
                go.destroyForcibly();
                throw new IllegalStateException("go build of the simulator took more than " + BUILD_TIMEOUT);
            }
            if (go.exitValue() != 0) {
                throw new IllegalStateException("go build of the simulator in " + moduleDir + " failed:\n" + tail(Files.readString(log)));
            }
            return binary;
        }
    }

    private static boolean sourcesNewerThan(Path moduleDir, FileTime built) throws IOException {
        try (Stream<Path> files = Files.walk(moduleDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(moduleDir.resolve("bin")))
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".go") || name.equals("go.mod") || name.equals("go.sum");
                    })
                    .anyMatch(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(built) > 0;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
