package dev.testvm.vsphere.fault;

/**
 * Starting another vCenter task would exceed {@code ConnectionSettings.maxConcurrentTasks}.
 * Nothing was sent to vCenter; try again later (the operator reports {@code WaitingForCapacity}).
 */
public class TaskCapacityExceededException extends RuntimeException {

    private final int limit;

    public TaskCapacityExceededException(int limit) {
        super("already " + limit + " vCenter tasks in flight (maxConcurrentTasks=" + limit + "); try again later");
        this.limit = limit;
    }

    protected TaskCapacityExceededException(int limit, String message) {
        super(message);
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
