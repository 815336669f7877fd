package dev.testvm.reconciler.inventory;

import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Names the Kubernetes cluster this operator runs in. Every VM we clone carries it as extraConfig
 * {@value #KEY}, and the orphan sweeper only ever considers VMs carrying its own cluster's name:
 * clusters often share one vCenter, and a TestVM UID alone cannot tell another cluster's live VM
 * from our orphan.
 *
 * <p>The name is {@code testvm.cluster-id} when configured, else the UID of namespace
 * {@code kube-system} (created with the cluster and never deleted, so it is stable for the
 * cluster's life). Read once; until it can be read, clones wait with a retryable condition and
 * the sweeper skips its turn.
 */
public final class ClusterIdentity implements Supplier<String> {

    public static final String KEY = "testvm.dev/cluster";
    static final String NAMESPACE = "kube-system";

    private final Optional<String> configured;
    private final KubernetesClient client;
    private volatile String resolved;

    private ClusterIdentity(Optional<String> configured, KubernetesClient client) {
        this.configured = configured.map(String::trim).filter(id -> !id.isEmpty());
        this.client = client;
    }

    public static ClusterIdentity of(Optional<String> configured, KubernetesClient client) {
        return new ClusterIdentity(configured, client);
    }

    /** A fixed name, for code that builds the reconciler without a cluster (unit tests, benchmarks). */
    public static ClusterIdentity fixed(String id) {
        return new ClusterIdentity(Optional.of(id), null);
    }

    /** @throws TestVMProblem (retryable) when neither configured nor readable */
    @Override
    public String get() {
        String id = resolved;
        if (id == null) {
            id = configured.orElseGet(this::kubeSystemUid);
            resolved = id;
        }
        return id;
    }

    private String kubeSystemUid() {
        Namespace namespace;
        try {
            namespace = client.namespaces().withName(NAMESPACE).get();
        } catch (KubernetesClientException e) {
            throw unknown("reading namespace " + NAMESPACE + " failed (HTTP " + e.getCode() + ")", e);
        }
        if (namespace == null || namespace.getMetadata().getUid() == null) {
            throw unknown("namespace " + NAMESPACE + " does not exist", null);
        }
        return namespace.getMetadata().getUid();
    }

    private static TestVMProblem unknown(String why, Throwable cause) {
        return TestVMProblem.retryable(Reasons.CLUSTER_IDENTITY_UNKNOWN,
                "cannot name this cluster for the VMs it owns: " + why
                        + "; grant the operator get on namespace " + NAMESPACE + " or set testvm.cluster-id", cause);
    }
}
