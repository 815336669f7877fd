package dev.testvm.vcenters;

import dev.testvm.api.VCenterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Sets a VCenter's conditions; the transition time moves only when the status does. */
final class VCenterConditions {

    static final String CONNECTED = "Connected";
    static final String READY = "Ready";

    private VCenterConditions() {}

    static void set(VCenterStatus status, String type, boolean value, String reason, String message, Long generation,
            Instant now) {
        List<Condition> conditions = status.getConditions() == null ? new ArrayList<>() : new ArrayList<>(status.getConditions());
        String wanted = value ? "True" : "False";
        Condition previous = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = previous != null && Objects.equals(previous.getStatus(), wanted) ? previous.getLastTransitionTime()
                : now.toString();
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new ConditionBuilder().withType(type).withStatus(wanted).withReason(reason)
                .withMessage(message == null ? "" : message).withObservedGeneration(generation)
                .withLastTransitionTime(since).build());
        status.setConditions(conditions);
    }
}
