package dev.testvm.vsphere.fault;

import dev.testvm.vsphere.VimFaultException;

/**
 * Not a vim25 fault: a guest file was larger than the client reads (see
 * {@link dev.testvm.vsphere.VCenter#GUEST_FILE_MAX_BYTES}). The download stopped at the limit, so
 * a guest printing megabytes cannot exhaust the operator's memory.
 */
public class GuestFileTooLargeException extends VimFaultException {

    private final long limit;

    public GuestFileTooLargeException(String guestPath, long limit) {
        super("GuestFileTooLarge", "guest file " + guestPath + " is larger than " + describe(limit) + ", the most the operator reads");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** "512 KiB" for the limit, or bytes when it is not a whole number of KiB. */
    public static String describe(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }
}
