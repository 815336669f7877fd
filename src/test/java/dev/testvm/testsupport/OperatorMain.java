package dev.testvm.testsupport;

import dev.testvm.vsphere.ConnectionSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs what {@link LocalOperator} runs, as its own JVM, so that a test can kill it with SIGKILL
 * (see {@link OperatorProcess}). Arguments: kubeconfig file, namespace, vCenter SDK URL, thumbprint,
 * vCenter user, parent pid; the vCenter password comes from {@value #PASSWORD_ENV} so that it is not
 * visible in the process list. Prints {@value #READY} once the operator has started, and halts
 * when the parent (the test JVM) is gone.
 */
public final class OperatorMain {

    public static final String READY = "TESTVM_OPERATOR_READY";
    public static final String PASSWORD_ENV = "TESTVM_TEST_VCENTER_PASSWORD";

    private OperatorMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: OperatorMain KUBECONFIG NAMESPACE SDK_URL THUMBPRINT USER PARENT_PID");
        }
        long parentPid = Long.parseLong(args[5]);
        // A JVM killed with SIGKILL runs no shutdown hook, so the child must notice by itself.
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)),
                () -> Runtime.getRuntime().halt(3));

        String kubeconfig = Files.readString(Path.of(args[0]));
        String password = System.getenv(PASSWORD_ENV);
        if (password == null) {
            throw new IllegalArgumentException("environment variable " + PASSWORD_ENV + " is not set");
        }
        ConnectionSettings vcenter = new ConnectionSettings(URI.create(args[2]), args[4], password, null, args[3], false, 16,
                Duration.ofSeconds(30));
        var client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
        LocalOperator.start(client, vcenter, args[1], o -> {});
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join(); // the operator's threads do the work; we wait to be killed
    }
}
