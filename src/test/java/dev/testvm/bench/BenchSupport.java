package dev.testvm.bench;

import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.Simulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** What the benchmark commands share: flags, the operator's log file, the namespace, percentiles. */
final class BenchSupport {

    private BenchSupport() {}

    /** {@code --name value} pairs; anything else, or a name not in {@code known}, is refused with {@code usage}. */
    static Map<String, String> flags(String[] args, Collection<String> known, String usage) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: " + usage);
            }
            values.put(args[i].substring(2), args[++i]);
        }
        if (!known.containsAll(values.keySet())) {
            values.keySet().removeAll(known);
            throw new IllegalArgumentException("unknown options " + values.keySet() + "; usage: " + usage);
        }
        return values;
    }

    /**
     * The operator's log goes to {@code file}; the terminal shows only the benchmark's own lines.
     * {@code -Dbench.debug=dev.testvm.discovery,...}: those categories at DEBUG in the file.
     */
    static void quietLogs(Path file) throws IOException {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n");
        FileHandler handler = new FileHandler(file.toString());
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        for (String category : System.getProperty("bench.debug", "").split(",")) {
            if (!category.isBlank()) {
                Logger.getLogger(category.trim()).setLevel(Level.FINE);
            }
        }
    }

    /** The CRDs, {@code namespace}, and Secret {@code secret} in it with the simulator's guest login. */
    static void namespaceWithGuestLogin(KubernetesClient client, String namespace, String secret) {
        Crds.installTestVm(client);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).serverSideApply();
        client.resource(new SecretBuilder().withNewMetadata().withName(secret).withNamespace(namespace).endMetadata()
                .addToStringData("username", Simulator.GUEST_USER).addToStringData("password", Simulator.GUEST_PASSWORD)
                .build()).serverSideApply();
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Whether every future completed within {@code timeout}. */
    static boolean awaitAll(List<? extends CompletableFuture<?>> futures, Duration timeout) throws Exception {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** The moRefs of the simulator's VMs now. */
    static Set<String> vmRefs(Simulator simulator) {
        Set<String> refs = new HashSet<>();
        simulator.vms().forEach(vm -> refs.add(String.valueOf(vm.get("moRef"))));
        return refs;
    }
}
