package dev.testvm.reconciler.tasks;

import dev.testvm.vsphere.fault.TaskCapacityExceededException;

/** The TestVM is in line for a vCenter task slot; nothing was sent to vCenter. */
public final class WaitingForTaskSlotException extends TaskCapacityExceededException {

    private final int position;
    private final int waiting;

    WaitingForTaskSlotException(int position, int waiting, int limit) {
        super(limit, "waiting for a vCenter task slot: position " + position + " of " + waiting + ", limit " + limit);
        this.position = position;
        this.waiting = waiting;
    }

    int position() {
        return position;
    }

    int waiting() {
        return waiting;
    }
}
