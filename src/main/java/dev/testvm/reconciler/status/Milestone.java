package dev.testvm.reconciler.status;

import dev.testvm.api.Milestones;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.Timings;
import java.time.Duration;
import java.time.Instant;

/** Reads and writes {@code status.milestones} and derives {@code status.timings} from them. */
public final class Milestone {

    private Milestone() {}

    public static Milestones of(TestVMStatus status) {
        if (status.getMilestones() == null) {
            status.setMilestones(new Milestones());
        }
        return status.getMilestones();
    }

    public static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }

    public static void recomputeTimings(TestVMStatus status, Instant created) {
        Milestones m = of(status);
        Timings timings = new Timings();
        timings.setCloneSeconds(seconds(m.getCloneStartedAt(), m.getClonedAt()));
        timings.setPowerOnSeconds(seconds(m.getPowerOnStartedAt(), m.getPoweredOnAt()));
        timings.setToolsSeconds(seconds(m.getPoweredOnAt(), m.getToolsRunningAt()));
        timings.setIpSeconds(seconds(m.getToolsRunningAt() != null ? m.getToolsRunningAt() : m.getPoweredOnAt(), m.getIpAssignedAt()));
        timings.setReadinessSeconds(seconds(m.getIpAssignedAt(), m.getGuestReadyAt()));
        String readyAt = m.getGuestReadyAt() != null ? m.getGuestReadyAt() : m.getIpAssignedAt();
        timings.setTotalSeconds(readyAt == null || created == null ? null : secondsBetween(created, Instant.parse(readyAt)));
        status.setTimings(timings);
    }

    private static Double seconds(String from, String to) {
        if (from == null || to == null) {
            return null;
        }
        return secondsBetween(Instant.parse(from), Instant.parse(to));
    }

    private static Double secondsBetween(Instant from, Instant to) {
        long millis = Math.max(0, Duration.between(from, to).toMillis());
        return millis / 1000.0;
    }
}
