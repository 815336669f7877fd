package dev.testvm.vsphere;

/**
 * How many vCenter tasks a connection may keep in flight ({@code maxConcurrentTasks}) and how many
 * it has in flight now.
 */
public record TaskSlots(int limit, int inFlight) {

    public int free() {
        return Math.max(0, limit - inFlight);
    }
}
