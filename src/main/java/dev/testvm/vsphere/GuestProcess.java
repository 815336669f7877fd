package dev.testvm.vsphere;

/**
 * One entry of {@code ListProcessesInGuest}.
 *
 * @param exitCode null while the process runs; vCenter omits it when it is 0, so a finished
 *     process without one reports 0
 */
public record GuestProcess(long pid, String name, boolean finished, Integer exitCode) {}
