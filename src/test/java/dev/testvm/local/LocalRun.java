package dev.testvm.local;

import dev.testvm.api.TestVM;
import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import dev.testvm.testsupport.OperatorProcess;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's "run it" command ({@code hack/run-local.sh}): a real kube-apiserver + etcd, our
 * vCenter simulator, and the operator's own jar against them; applies
 * {@code deploy/samples/testvm.yaml} and prints its IP and phase timings once it is Ready.
 *
 * <p>Options: {@code --time-scale F} (simulator speed, default 0.2: a 20 s boot takes 4 s),
 * {@code --exit-when-ready} (stop after printing instead of running until Ctrl-C).
 */
public final class LocalRun {

    public static void main(String[] args) throws Exception {
        double timeScale = 0.2;
        boolean exitWhenReady = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--time-scale" -> timeScale = Double.parseDouble(args[++i]);
                case "--exit-when-ready" -> exitWhenReady = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--time-scale F, --exit-when-ready)");
            }
        }
        say("starting kube-apiserver + etcd");
        Config kube = Config.fromKubeconfig(KubeApiServers.kubeConfigYaml());
        Path kubeconfig = KubeApiServers.kubeConfigFile();
        try (KubernetesClient client = KubeApiServers.newClient();
                Simulator simulator = new SimulatorExtension().timeScale(timeScale).start()) {
            Crds.installTestVm(client);
            say("vCenter simulator at " + simulator.url() + " (time-scale " + timeScale + ")");

            // The jar runs in the prod profile, leader election included; deploy/ sets the pod's namespace.
            OperatorProcess operator = OperatorProcess.start(kube, simulator, List.of(),
                    Map.of("TESTVM_LEADER_ELECTION_LEASE_NAMESPACE", "default"), Path.of("target", "local-run", "operator.log"));
            say("operator started (pid " + operator.pid() + "), log in " + operator.log());

            apply("deploy/samples/guest-credentials.yaml");
            Instant applied = Instant.now();
            apply("deploy/samples/testvm.yaml");
            Kubectl.Result waited = Kubectl.run(null, "wait", "--for=condition=Ready", "testvm/build-42", "--timeout=10m");
            if (waited.exitCode() != 0) {
                say("TestVM did not become Ready: " + waited.output());
                System.out.println(Kubectl.run(null, "get", "testvm", "build-42", "-o", "yaml").output());
                operator.close();
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
            if (exitWhenReady) {
                Kubectl.run(null, "delete", "testvm", "build-42", "--timeout=2m");
                say("deleted build-42; VMs left in the simulator: " + simulator.vms().stream().filter(vm -> !"".equals(vm.get("uid"))).count());
                operator.close();
                return;
            }
            say("running; try: kubectl --kubeconfig " + kubeconfig + " get tvm -o wide   (Ctrl-C stops everything)");
            operator.waitFor();
        }
    }

    private static void apply(String file) {
        Kubectl.Result result = Kubectl.run(null, "apply", "-f", file);
        say(result.output().strip());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl apply -f " + file + " failed");
        }
    }

    private static void say(String line) {
        System.out.println("[run-local] " + line);
    }
}
