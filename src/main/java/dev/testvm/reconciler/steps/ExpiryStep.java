package dev.testvm.reconciler.steps;

import dev.testvm.api.Durations;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Milestone;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;

/** {@code spec.ttl}: sets {@code status.expiresAt} once Ready and deletes the TestVM when it passes. */
public final class ExpiryStep {

    private final KubernetesClient client;
    private final KubeEvents kubeEvents;

    public ExpiryStep(KubernetesClient client, KubeEvents kubeEvents) {
        this.client = client;
        this.kubeEvents = kubeEvents;
    }

    public StepResult run(Pass pass) {
        TestVM testVM = pass.testVM();
        TestVMStatus status = pass.status();
        String ttl = testVM.getSpec().getTtl();
        if (ttl == null || ttl.isBlank()) {
            status.setExpiresAt(null);
            return StepResult.STOP;
        }
        if (status.getExpiresAt() == null) {
            Instant readyAt = Milestone.parse(Milestone.of(status).getIpAssignedAt());
            status.setExpiresAt((readyAt == null ? pass.now() : readyAt).plus(Durations.parse(ttl)).toString());
        }
        Instant expiresAt = Instant.parse(status.getExpiresAt());
        Duration left = Duration.between(pass.now(), expiresAt);
        if (!left.isNegative() && !left.isZero()) {
            return StepResult.requeue(left);
        }
        kubeEvents.normal(testVM, "Expired", "spec.ttl " + ttl + " passed; deleting the TestVM");
        client.resource(testVM).delete();
        return StepResult.STOP;
    }
}
