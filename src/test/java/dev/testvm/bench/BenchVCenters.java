package dev.testvm.bench;

import dev.testvm.api.AllowedNamespaces;
import dev.testvm.api.AllowedSources;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.VCenterResource;
import dev.testvm.api.VCenterSpec;
import dev.testvm.api.VCenterTls;
import dev.testvm.testsupport.Simulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The VCenter resources of {@code hack/bench-scale.sh --vcenters N}: one per simulator, named
 * {@code vc-1} ... {@code vc-N}, each with its credentials Secret in the operator's namespace, the
 * simulator's certificate pinned by thumbprint (as {@code VCentersEndToEndTest} does), the
 * benchmark's namespace allowed, any source (instant clones of the workload's running parent), and the benchmark's task bound.
 */
final class BenchVCenters {

    /** Where the operator reads VCenter credentials ({@code TESTVM_VCENTERS_SECRET_NAMESPACE}). */
    static final String SECRET_NAMESPACE = "testvm-system";

    private final KubernetesClient client;
    private final Map<String, Simulator> byName = new LinkedHashMap<>();

    BenchVCenters(KubernetesClient client, List<Simulator> simulators) {
        this.client = client;
        for (int i = 0; i < simulators.size(); i++) {
            byName.put(name(i), simulators.get(i));
        }
    }

    /** The name of the i-th VCenter (0-based). */
    static String name(int i) {
        return "vc-" + (i + 1);
    }

    static String login(int i) {
        return name(i) + "-operator";
    }

    static String password(int i) {
        return "bench-" + name(i) + "-pw";
    }

    Map<String, Simulator> byName() {
        return byName;
    }

    /** Applies the Secrets and VCenters, then waits until the operator reports every one Ready. */
    void apply(String namespace, int maxTasks, Duration timeout) throws InterruptedException {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(SECRET_NAMESPACE).endMetadata().build()).serverSideApply();
        for (String name : byName.keySet()) {
            Simulator simulator = byName.get(name);
            client.resource(new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName(name + "-login")
                    .withNamespace(SECRET_NAMESPACE).build())
                    .withStringData(Map.of("username", simulator.username(), "password", simulator.password())).build())
                    .serverSideApply();
            client.resource(vcenter(name, simulator, namespace, maxTasks)).forceConflicts().serverSideApply();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String name : byName.keySet()) {
            while (!ready(name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("VCenter " + name + " not Ready within " + timeout + ": "
                            + client.resources(VCenterResource.class).withName(name).get().getStatus());
                }
                Thread.sleep(250);
            }
        }
    }

    private boolean ready(String name) {
        VCenterResource vc = client.resources(VCenterResource.class).withName(name).get();
        return vc != null && vc.getStatus() != null && vc.getStatus().getConditions() != null && vc.getStatus().getConditions().stream()
                .anyMatch(c -> Objects.equals("Ready", c.getType()) && Objects.equals("True", c.getStatus()));
    }

    private static VCenterResource vcenter(String name, Simulator simulator, String namespace, int maxTasks) {
        VCenterSpec spec = new VCenterSpec();
        spec.setUrl(simulator.url().toString());
        SecretKeyRef secret = new SecretKeyRef();
        secret.setName(name + "-login");
        spec.setCredentialsSecret(secret);
        VCenterTls tls = new VCenterTls();
        tls.setThumbprint(simulator.thumbprint());
        spec.setTls(tls);
        spec.setDatacenter("DC0");
        spec.setMaxConcurrentTasks(maxTasks);
        AllowedNamespaces allowed = new AllowedNamespaces();
        allowed.setNames(List.of(namespace));
        spec.setAllowedNamespaces(allowed);
        AllowedSources sources = new AllowedSources();
        sources.setInstantCloneSources(List.of("DC0/vm/" + BenchWorkload.template(dev.testvm.api.CloneTypeSpec.instant)));
        spec.setAllowedSources(sources);
        VCenterResource vc = new VCenterResource();
        vc.setMetadata(new ObjectMetaBuilder().withName(name).build());
        vc.setSpec(spec);
        return vc;
    }
}
