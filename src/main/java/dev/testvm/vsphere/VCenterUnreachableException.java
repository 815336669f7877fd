package dev.testvm.vsphere;

/** vCenter could not be reached (connection refused, timeout, TLS failure, HTTP 5xx without a fault). */
public class VCenterUnreachableException extends RuntimeException {

    public VCenterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
