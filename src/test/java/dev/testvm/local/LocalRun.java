package dev.testvm.local;

import dev.testvm.api.TestVM;
import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.OperatorJarProcess;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's "run it" command ({@code hack/run-local.sh}): a real kube-apiserver + etcd, our
 * vCenter simulator, and the operator's own jar against them; applies
 * {@code deploy/samples/testvm.yaml} and prints its IP and phase timings once it is Ready.
 *
 * <p>Options: {@code --time-scale F} (simulator speed, default 0.2: a 20 s boot takes 4 s),
 * {@code --exit-when-ready} (stop after printing instead of running until Ctrl-C),
 * {@code --operator-launcher PATH} (start the operator with this executable instead of
 * {@code java -jar target/quarkus-app/quarkus-run.jar}; it gets all its configuration from
 * environment variables, as in a container: {@code hack/build-image.sh} uses it to run the
 * operator inside the unpacked container image).
 */
public final class LocalRun {

    private static final Path OPERATOR_LOG = Path.of("target", "local-run", "operator.log");
    /** As deploy/deployment.yaml sets it; outside a pod there is no namespace to infer it from. */
    private static final Map<String, String> LEASE_NAMESPACE = Map.of("TESTVM_LEADER_ELECTION_LEASE_NAMESPACE", "default");

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            // Exit explicitly: the Kubernetes client's shared non-daemon Vert.x threads would keep the
            // JVM (and a CI job waiting for it) alive after main ends; shutdown hooks stop the servers.
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        double timeScale = 0.2;
        boolean exitWhenReady = false;
        Path launcher = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--time-scale" -> timeScale = Double.parseDouble(args[++i]);
                case "--exit-when-ready" -> exitWhenReady = true;
                case "--operator-launcher" -> launcher = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException(
                        "unknown option " + args[i] + " (--time-scale F, --exit-when-ready, --operator-launcher PATH)");
            }
        }
        say("starting kube-apiserver + etcd");
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        Path kubeconfig = KubeApiServers.kubeConfigFile();
        say("kube-apiserver + etcd up");
        try (KubernetesClient client = KubeApiServers.newClient();
                Simulator simulator = new SimulatorExtension().timeScale(timeScale).start()) {
            Crds.installTestVm(client);
            say("vCenter simulator at " + simulator.url() + " (time-scale " + timeScale + ")");

            int httpPort;
            Process operator;
            if (launcher == null) {
                OperatorJarProcess jar = OperatorJarProcess.start(kube, simulator, List.of(), LEASE_NAMESPACE, OPERATOR_LOG);
                operator = jar.process();
                httpPort = jar.httpUrl().getPort();
            } else {
                httpPort = freePort();
                operator = startOperatorWith(launcher, kube, simulator, httpPort);
                Runtime.getRuntime().addShutdownHook(new Thread(operator::destroy));
            }
            say("operator started (pid " + operator.pid() + "), log in target/local-run/operator.log");

            apply("deploy/samples/guest-credentials.yaml");
            Instant applied = Instant.now();
            apply("deploy/samples/testvm.yaml");
            Kubectl.Result waited = waitUntilReady(operator);
            if (waited.exitCode() != 0) {
                say("TestVM did not become Ready: " + waited.output());
                System.out.println(Kubectl.run(null, "get", "testvm", "build-42", "-o", "yaml").output());
                operator.destroy();
                System.exit(1);
            }
            TestVM ready = client.resources(TestVM.class).inNamespace("default").withName("build-42").get();
            var t = ready.getStatus().getTimings();
            say(String.format(Locale.ROOT, "TestVM build-42 is Ready after %.1f s: ip=%s (from %s), VM %s",
                    Duration.between(applied, Instant.now()).toMillis() / 1000.0, ready.getStatus().getIp(),
                    ready.getStatus().getIpSource(), ready.getStatus().getVm().getName()));
            say(String.format(Locale.ROOT, "timings in seconds at simulator time-scale %.2f (divide by it for real-time equivalents): cloning %s, power-on %s, booting %s, getting IP %s, total %s",
                    timeScale, t.getCloneSeconds(), t.getPowerOnSeconds(), t.getToolsSeconds(), t.getIpSeconds(), t.getTotalSeconds()));
            System.out.println(Kubectl.run(null, "get", "testvm", "-o", "wide").output());
            for (String check : List.of("/q/health/live", "/q/health/ready")) {
                int status = httpStatus(httpPort, check);
                say("operator " + check + " on port " + httpPort + ": HTTP " + status);
                if (status != 200) {
                    operator.destroy();
                    System.exit(1);
                }
            }
            if (exitWhenReady) {
                Kubectl.run(null, "delete", "testvm", "build-42", "--timeout=2m");
                say("deleted build-42; VMs left in the simulator: " + simulator.vms().stream().filter(vm -> !"".equals(vm.get("uid"))).count());
                operator.destroy();
                operator.waitFor();
                System.exit(0); // see main
            }
            say("running; try: kubectl --kubeconfig " + kubeconfig + " get tvm -o wide   (Ctrl-C stops everything)");
            operator.waitFor();
        }
    }

    /** Up to 10 minutes, but gives up as soon as the operator process is gone. */
    private static Kubectl.Result waitUntilReady(Process operator) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (true) {
            Kubectl.Result waited = Kubectl.run(null, "wait", "--for=condition=Ready", "testvm/build-42", "--timeout=10s");
            if (waited.exitCode() == 0 || Instant.now().isAfter(deadline)) {
                return waited;
            }
            if (!operator.isAlive()) {
                say("the operator exited with code " + operator.exitValue() + "; see target/local-run/operator.log");
                return waited;
            }
        }
    }

    /**
     * Configuration only through environment variables and certificates inline (base64 data, not
     * host file paths), since the launcher may run the operator in another root file system.
     */
    private static Process startOperatorWith(Path launcher, Config kube, Simulator simulator, int httpPort) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", kube.getMasterUrl());
        env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", inline(kube.getCaCertFile(), kube.getCaCertData()));
        env.put("QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_DATA", inline(kube.getClientCertFile(), kube.getClientCertData()));
        env.put("QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_DATA", inline(kube.getClientKeyFile(), kube.getClientKeyData()));
        return start(builder, simulator);
    }

    private static Process start(ProcessBuilder builder, Simulator simulator) throws Exception {
        Files.createDirectories(OPERATOR_LOG.getParent());
        builder.redirectErrorStream(true).redirectOutput(OPERATOR_LOG.toFile());
        builder.environment().putAll(OperatorJarProcess.vcenterEnvironment(simulator));
        builder.environment().putAll(LEASE_NAMESPACE);
        return builder.start();
    }

    private static String inline(String file, String base64Data) throws Exception {
        if (file != null) {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
        }
        if (base64Data == null) {
            throw new IllegalStateException("the test kubeconfig has neither a file nor data for a certificate or key");
        }
        return base64Data;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int httpStatus(int port, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void apply(String file) {
        Kubectl.Result result = Kubectl.run(null, "apply", "-f", file);
        say(result.output().strip());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl apply -f " + file + " failed");
        }
    }

    /** Each line carries the seconds since this JVM started, so the output shows where the time went. */
    private static void say(String line) {
        double uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        System.out.println(String.format(Locale.ROOT, "[run-local %5.1fs] %s", uptime, line));
    }
}
