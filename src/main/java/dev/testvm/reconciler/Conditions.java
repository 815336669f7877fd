package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets {@code metav1.Condition}s, moving lastTransitionTime only when the status flips. Only
 * {@link StatusReport} sets them; anyone may read them.
 */
final class Conditions {

    private Conditions() {}

    static void set(TestVM testVM, String type, boolean value, String reason, String message, Instant now) {
        TestVMStatus status = testVM.getStatus();
        String newStatus = value ? "True" : "False";
        Condition condition = find(status, type).orElse(null);
        if (condition == null) {
            condition = new Condition();
            condition.setType(type);
            status.getConditions().add(condition);
        }
        if (!newStatus.equals(condition.getStatus()) || condition.getLastTransitionTime() == null) {
            condition.setLastTransitionTime(now.toString());
        }
        condition.setStatus(newStatus);
        condition.setReason(reason);
        condition.setMessage(message == null ? "" : message);
        condition.setObservedGeneration(testVM.getMetadata().getGeneration());
    }

    static Optional<Condition> find(TestVMStatus status, String type) {
        return status.getConditions().stream().filter(c -> Objects.equals(c.getType(), type)).findFirst();
    }

    static boolean isTrue(TestVMStatus status, String type) {
        return find(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
