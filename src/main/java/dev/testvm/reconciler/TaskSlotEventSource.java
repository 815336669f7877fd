package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.vsphere.TaskSlots;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * Wakes the TestVM whose turn it is in the {@link TaskSlotQueue} (a slot freed up, or the waiter
 * before it started or left), so a waiter does not sit out a timer while a slot is free.
 */
final class TaskSlotEventSource extends AbstractEventSource<TaskSlots, TestVM> {

    TaskSlotEventSource() {
        super(TaskSlots.class, "task-slots");
    }

    void wake(ResourceID testVM) {
        if (isRunning()) {
            getEventHandler().handleEvent(new Event(testVM));
        }
    }

    @Override
    public Set<TaskSlots> getSecondaryResources(TestVM primary) {
        return Set.of();
    }
}
