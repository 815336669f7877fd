package dev.testvm.vcenters;

import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * Logs in to a VCenter (if no session is open) and looks for its default datacenter: what its
 * {@code Connected} and {@code Ready} conditions say. One {@code FindByInventoryPath} per check
 * while connected, which also keeps the session alive.
 */
final class ConnectionCheck {

    static final String CONNECTED = "Connected";
    static final String UNREACHABLE = "Unreachable";
    static final String LOGIN_REFUSED = "LoginRefused";
    static final String TLS_MISMATCH = "TLSMismatch";
    static final String VCENTER_ERROR = "VCenterError";
    static final String DATACENTER_FOUND = "DatacenterFound";
    static final String DATACENTER_NOT_FOUND = "DatacenterNotFound";

    /** What the conditions say; {@code version} only when connected. */
    record Outcome(boolean connected, String reason, String message, boolean ready, String readyReason, String readyMessage,
            String version) {

        static Outcome notConnected(String reason, String message) {
            return new Outcome(false, reason, message, false, reason, message, null);
        }
    }

    private ConnectionCheck() {}

    static Outcome check(VCenterConnection connection) {
        VCenter vcenter;
        try {
            vcenter = connection.get();
        } catch (RuntimeException e) {
            return failed(e);
        }
        String version = vcenter.apiVersion();
        String datacenter = connection.defaultDatacenter();
        try {
            boolean found = vcenter.findByInventoryPath(datacenter).isPresent();
            return new Outcome(true, CONNECTED, "logged in", found, found ? DATACENTER_FOUND : DATACENTER_NOT_FOUND,
                    found ? "datacenter " + datacenter + " found"
                            : "spec.datacenter: no datacenter '" + datacenter + "' in this vCenter", version);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /** The exception's message: our SOAP client never puts a password into one (SecretLeakAuditTest). */
    static Outcome failed(RuntimeException e) {
        if (e instanceof InvalidLoginException) {
            return Outcome.notConnected(LOGIN_REFUSED,
                    "vCenter refused the login of spec.credentialsSecret's user (InvalidLogin); fix the Secret's user or password");
        }
        if (e instanceof VCenterUnreachableException) {
            return Outcome.notConnected(tls(e) ? TLS_MISMATCH : UNREACHABLE, e.getMessage());
        }
        if (e instanceof VimFaultException fault) {
            return Outcome.notConnected(VCENTER_ERROR, "vCenter answered " + fault.getMessage());
        }
        throw e;
    }

    /** A certificate the TLS settings do not accept (pinned thumbprint differs, no trusted CA). */
    private static boolean tls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
