package dev.testvm.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The conditions block TestVM and TestVMPool status share: {@code metav1.Condition}s, one per
 * type, set so that lastTransitionTime moves only when a condition's status flips.
 */
public abstract class ConditionedStatus {

    private List<Condition> conditions = new ArrayList<>();

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    /** The condition of {@code type}, if set. */
    public Optional<Condition> condition(String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst();
    }

    public boolean conditionIsTrue(String type) {
        return condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Sets the condition of {@code type}; {@code generation} is the object's metadata.generation this status answers. */
    public void putCondition(String type, boolean value, String reason, String message, Long generation, Instant now) {
        if (conditions == null) {
            conditions = new ArrayList<>();
        }
        String newStatus = value ? "True" : "False";
        Condition condition = condition(type).orElse(null);
        if (condition == null) {
            condition = new Condition();
            condition.setType(type);
            conditions.add(condition);
        }
        if (!newStatus.equals(condition.getStatus()) || condition.getLastTransitionTime() == null) {
            condition.setLastTransitionTime(now.toString());
        }
        condition.setStatus(newStatus);
        condition.setReason(reason);
        condition.setMessage(message == null ? "" : message);
        condition.setObservedGeneration(generation);
    }
}
