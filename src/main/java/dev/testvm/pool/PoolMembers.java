package dev.testvm.pool;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pool's VMs are TestVMs of their own ("members", labelled {@value #POOL_LABEL}), so cloning,
 * booting, IP discovery, the write-ahead clone intent, the task queue and the finalizer all work
 * for them as for any TestVM. A claim is a label on the member, written with the member's
 * resourceVersion: the API server lets exactly one claimant win, and the label survives any crash,
 * so a claimant that died after winning finds its member again by the label.
 */
public final class PoolMembers {

    /** On a member: the pool it belongs to. */
    public static final String POOL_LABEL = "testvm.dev/pool";
    /** On a claimed member: the UID of the TestVM that claimed it. */
    public static final String CLAIMED_BY_LABEL = "testvm.dev/claimed-by";
    /** On a claimed member: the claimant's name, to read it back without listing. */
    public static final String CLAIMANT_ANNOTATION = "testvm.dev/claimed-by-name";
    /** On a claimed member: when the claim was written, so a handover that never completes is bounded. */
    public static final String CLAIMED_AT_ANNOTATION = "testvm.dev/claimed-at";

    private PoolMembers() {}

    /** The pool's members straight from the API server (a quorum read, never an informer's lagging copy). */
    public static List<TestVM> list(KubernetesClient client, String namespace, String pool) {
        return client.resources(TestVM.class).inNamespace(namespace).withLabel(POOL_LABEL, pool).list().getItems().stream()
                .sorted(Comparator.comparing(m -> m.getMetadata().getName()))
                .toList();
    }

    public static Optional<String> poolOf(TestVM testVM) {
        return Optional.ofNullable(label(testVM, POOL_LABEL));
    }

    public static boolean isClaimed(TestVM member) {
        return label(member, CLAIMED_BY_LABEL) != null;
    }

    public static boolean isClaimedBy(TestVM member, String uid) {
        return Objects.equals(label(member, CLAIMED_BY_LABEL), uid);
    }

    public static boolean isDeleting(TestVM testVM) {
        return testVM.getMetadata().getDeletionTimestamp() != null;
    }

    /** Ready with a VM and an IP, not claimed, not being deleted: what a claimant may take. */
    public static boolean isClaimable(TestVM member) {
        return !isClaimed(member) && !isDeleting(member) && isReady(member) && vmOf(member) != null;
    }

    public static boolean isReady(TestVM testVM) {
        TestVMStatus status = testVM.getStatus();
        return status != null && status.getIp() != null && status.getPhase() == Phase.Ready
                && condition(status, ConditionTypes.READY).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    public static boolean isFailed(TestVM testVM) {
        return testVM.getStatus() != null && testVM.getStatus().getPhase() == Phase.Failed;
    }

    /** The VM's moRef in status, or null. */
    public static String vmOf(TestVM testVM) {
        TestVMStatus status = testVM.getStatus();
        return status == null || status.getVm() == null ? null : status.getVm().getMoRef();
    }

    public static Optional<Condition> condition(TestVMStatus status, String type) {
        return status.condition(type);
    }

    /**
     * Claims {@code member} for {@code claimant}: a merge patch carrying the resourceVersion the
     * claimant saw, so it fails with a conflict if anyone changed the member since (another claim,
     * a deletion). Empty when someone else got there first or the member is gone.
     */
    public static Optional<TestVM> tryClaim(KubernetesClient client, TestVM member, TestVM claimant, Instant now) {
        Map<String, Object> patch = Map.of("metadata", Map.of(
                "resourceVersion", member.getMetadata().getResourceVersion(),
                "labels", Map.of(CLAIMED_BY_LABEL, claimant.getMetadata().getUid()),
                "annotations", Map.of(CLAIMANT_ANNOTATION, claimant.getMetadata().getName(), CLAIMED_AT_ANNOTATION, now.toString())));
        try {
            return Optional.of(client.resources(TestVM.class).inNamespace(member.getMetadata().getNamespace())
                    .withName(member.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch)));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The TestVM that claimed {@code member}, if it still exists (same name and UID). */
    public static Optional<TestVM> claimant(KubernetesClient client, TestVM member) {
        String name = member.getMetadata().getAnnotations() == null ? null : member.getMetadata().getAnnotations().get(CLAIMANT_ANNOTATION);
        if (name == null) {
            return Optional.empty();
        }
        TestVM claimant = client.resources(TestVM.class).inNamespace(member.getMetadata().getNamespace()).withName(name).get();
        return Optional.ofNullable(claimant).filter(c -> isClaimedBy(member, c.getMetadata().getUid()));
    }

    /** When the member was claimed; empty if it is not, or was claimed before claims carried their time. */
    public static Optional<Instant> claimedAt(TestVM member) {
        Map<String, String> annotations = member.getMetadata().getAnnotations();
        String at = annotations == null ? null : annotations.get(CLAIMED_AT_ANNOTATION);
        try {
            return at == null ? Optional.empty() : Optional.of(Instant.parse(at));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Whether the claimant has recorded the member's VM as its own (the handover is durable). */
    public static boolean handedOver(TestVM member, TestVM claimant) {
        String vm = vmOf(member);
        return vm != null && vm.equals(vmOf(claimant));
    }

    private static String label(TestVM testVM, String key) {
        Map<String, String> labels = testVM.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
