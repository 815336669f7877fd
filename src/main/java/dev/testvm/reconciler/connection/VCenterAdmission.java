package dev.testvm.reconciler.connection;

import dev.testvm.api.TestVM;
import dev.testvm.policy.Refusal;
import dev.testvm.policy.VCenterRules;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trust boundary: a TestVM may use a VCenter only as the VCenter's rules allow (namespaces,
 * sources, placements, a per-namespace limit). Checked in the pass before any vCenter call is made
 * for the TestVM; a refusal is terminal ({@code Failed}, reason {@code NotAllowed}, naming the
 * TestVM's field and the rule).
 *
 * <p>Rules admit a TestVM into a vCenter once: a TestVM whose vCenter is pinned (its first pass
 * passed the rules, or it made progress before there were rules) is not checked again. A rule
 * changed later therefore never fails, powers off or destroys a running TestVM — that would
 * destroy someone's work because an administrator tightened a rule for the future; a running
 * TestVM ends as it always does (deleted, or its {@code spec.ttl}). The TestVM's spec cannot move
 * it either: the clone's source and placement are used only before the clone starts.
 */
public final class VCenterAdmission {

    private final KubernetesClient client;

    public VCenterAdmission(KubernetesClient client) {
        this.client = client;
    }

    /** Throws a terminal {@code NotAllowed} problem if {@code vcenter}'s rules refuse {@code testVM}. */
    public void check(TestVM testVM, VCenterConnection vcenter) {
        VCenterRules rules = vcenter.rules();
        if (rules == null || VCenterChoice.pinned(testVM)) {
            return;
        }
        String namespace = testVM.getMetadata().getNamespace();
        Optional<Refusal> refusal = rules.check(namespace, testVM.getSpec(), () -> namespaceLabels(namespace),
                () -> othersInNamespace(testVM, vcenter.name()));
        if (refusal.isPresent()) {
            throw TestVMProblem.terminal(Reasons.NOT_ALLOWED, refusal.get().message());
        }
    }

    private Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = client.namespaces().withName(namespace).get();
        return ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }

    /**
     * TestVMs of the namespace pinned to this vCenter, this one apart. Read from the API server:
     * first passes of several TestVMs of one namespace running at the same moment can each see the
     * others not yet pinned, so the limit can be passed by at most the number of such passes.
     */
    private int othersInNamespace(TestVM testVM, String vcenter) {
        String uid = testVM.getMetadata().getUid();
        return (int) client.resources(TestVM.class).inNamespace(testVM.getMetadata().getNamespace()).list().getItems().stream()
                .filter(other -> !Objects.equals(other.getMetadata().getUid(), uid))
                .filter(other -> other.getStatus() != null && vcenter.equals(other.getStatus().getVcenter()))
                .count();
    }
}
