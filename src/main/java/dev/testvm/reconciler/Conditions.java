package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.Optional;

/** The TestVM's conditions (see {@link dev.testvm.api.ConditionedStatus}), set with the TestVM's generation. */
final class Conditions {

    private Conditions() {}

    static void set(TestVM testVM, String type, boolean value, String reason, String message, Instant now) {
        testVM.getStatus().putCondition(type, value, reason, message, testVM.getMetadata().getGeneration(), now);
    }

    static Optional<Condition> find(TestVMStatus status, String type) {
        return status.condition(type);
    }

    static boolean isTrue(TestVMStatus status, String type) {
        return status.conditionIsTrue(type);
    }

    static void remove(TestVMStatus status, String type) {
        status.removeCondition(type);
    }
}
