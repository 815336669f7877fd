package dev.testvm.vsphere.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLimiterTest {

    @Test
    void boundsTasksUntilTheyAreSeenFinished() {
        TaskLimiter limiter = new TaskLimiter(2);
        limiter.acquire();
        limiter.started(MoRef.task("task-1"));
        limiter.acquire();
        limiter.started(MoRef.task("task-2"));
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThatThrownBy(limiter::acquire).isInstanceOf(TaskCapacityExceededException.class).hasMessageContaining("2");

        assertThat(limiter.finished(MoRef.task("task-1"))).isTrue();
        assertThat(limiter.finished(MoRef.task("task-1"))).as("reported twice (watcher and taskInfo)").isFalse();
        assertThat(limiter.finished(MoRef.task("task-9"))).as("not ours").isFalse();
        assertThat(limiter.inFlight()).isEqualTo(1);
        limiter.acquire();
        assertThat(limiter.inFlight()).isEqualTo(2);
    }

    @Test
    void aTaskThatFailedToStartGivesItsSlotBack() {
        TaskLimiter limiter = new TaskLimiter(1);
        limiter.acquire();
        limiter.abandon();
        assertThat(limiter.inFlight()).isZero();
        limiter.acquire();
        assertThat(limiter.inFlight()).isEqualTo(1);
    }

    @Test
    void releaseListenersRunOncePerFreedSlotAndSeeItFree() {
        TaskLimiter limiter = new TaskLimiter(1);
        List<Integer> inFlightSeen = new ArrayList<>();
        limiter.onRelease(() -> inFlightSeen.add(limiter.inFlight()));
        limiter.acquire();
        limiter.started(MoRef.task("task-1"));
        limiter.finished(MoRef.task("task-1"));
        limiter.finished(MoRef.task("task-1"));
        limiter.acquire();
        limiter.abandon();
        assertThat(inFlightSeen).as("one call per release, each after the slot is free").containsExactly(0, 0);
    }
}
