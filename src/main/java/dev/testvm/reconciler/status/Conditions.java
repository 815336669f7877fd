package dev.testvm.reconciler.status;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.Optional;

/**
 * Sets {@code metav1.Condition}s, moving lastTransitionTime only when the status flips. Only
 * {@link StatusReport} sets them; anyone may read them.
 */
public final class Conditions {

    private Conditions() {}

    public static void set(TestVM testVM, String type, boolean value, String reason, String message, Instant now) {
        testVM.getStatus().putCondition(type, value, reason, message, testVM.getMetadata().getGeneration(), now);
    }

    public static Optional<Condition> find(TestVMStatus status, String type) {
        return status.condition(type);
    }

    public static boolean isTrue(TestVMStatus status, String type) {
        return status.conditionIsTrue(type);
    }
}
