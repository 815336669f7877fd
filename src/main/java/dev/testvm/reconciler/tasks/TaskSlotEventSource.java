package dev.testvm.reconciler.tasks;

import dev.testvm.api.TestVM;
import dev.testvm.vsphere.TaskSlots;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Wakes the TestVM whose turn it is in the {@link TaskSlotQueue} (a slot freed up, or the waiter
 * before it started or left), so a waiter does not sit out a timer while a slot is free. Also tells
 * the queue when a TestVM is gone from the API server without a cleanup pass (its finalizer was
 * removed by hand): no ticket outlives its TestVM.
 */
public final class TaskSlotEventSource extends AbstractEventSource<TaskSlots, TestVM> implements ResourceEventAware<TestVM> {

    private volatile Consumer<TestVM> onDeleted = testVM -> {};

    public TaskSlotEventSource() {
        super(TaskSlots.class, "task-slots");
    }

    public void onDeleted(Consumer<TestVM> forget) {
        this.onDeleted = forget;
    }

    @Override
    public void onResourceDeleted(TestVM testVM) {
        onDeleted.accept(testVM);
    }

    public void wake(ResourceID testVM) {
        if (isRunning()) {
            getEventHandler().handleEvent(new Event(testVM));
        }
    }

    @Override
    public Set<TaskSlots> getSecondaryResources(TestVM primary) {
        return Set.of();
    }
}
