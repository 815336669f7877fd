package dev.testvm.api;

public enum Phase {
    Pending,
    Cloning,
    PoweringOn,
    WaitingForIP,
    /** The IP is known; spec.readiness checks have not passed yet. */
    WaitingForGuest,
    Ready,
    /** Cloned with {@code spec.powerOn: false}: the VM exists, powered off, and gets no IP. */
    Cloned,
    Failed,
    Deleting
}
