package dev.testvm.vsphere;

/**
 * A vSphere task's {@code info}: state, and either its result or its error.
 *
 * @param result the task's result when it is a managed object (e.g. the new VM of a clone)
 * @param error the fault the task ended with, null unless {@code state == ERROR}
 */
public record TaskInfo(MoRef task, State state, MoRef result, VimFaultException error) {

    public enum State {
        QUEUED,
        RUNNING,
        SUCCESS,
        ERROR;

        public boolean done() {
            return this == SUCCESS || this == ERROR;
        }
    }
}
