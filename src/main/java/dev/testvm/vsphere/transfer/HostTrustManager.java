package dev.testvm.vsphere.transfer;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * Trusts one ESXi host's certificate for guest file transfers:
 *
 * <ol>
 *   <li>where vCenter (over its verified session) reports the host's certificate or thumbprint,
 *       the presented leaf must be that certificate: a different one is refused whatever else
 *       would vouch for it;
 *   <li>it is then trusted because vCenter vouches for it, or because the CA bundle signs it for
 *       the host's inventory name (the JDK checks the name against the SNI name we send, so a
 *       connection by IP is still checked against the FQDN);
 *   <li>{@code insecure} accepts anything, and only where configured.
 * </ol>
 *
 * A host nothing vouches for is refused.
 */
final class HostTrustManager extends X509ExtendedTrustManager {

    private static final Logger LOG = Logger.getLogger(HostTrustManager.class);

    private final EsxiHost host;
    private final HostTrustPolicy policy;
    /** PKIX over the CA bundle with HTTPS endpoint identification, or null without a bundle. */
    private final X509ExtendedTrustManager caBundle;

    HostTrustManager(EsxiHost host, HostTrustPolicy policy, X509ExtendedTrustManager caBundle) {
        this.host = host;
        this.policy = policy;
        this.caBundle = caBundle;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException(host + " sent no certificate");
        }
        X509Certificate leaf = chain[0];
        if (policy.insecure()) {
            return;
        }
        if (policy.vcenterVerified() && host.vouched()) {
            if (reportMatches(leaf)) {
                LOG.debugf("%s: certificate %s matches vCenter's report", host, Thumbprints.sha256(leaf));
                return;
            }
            throw new CertificateException(host + " presented a certificate (SHA-256 " + Thumbprints.sha256(leaf)
                    + ", SHA-1 " + Thumbprints.sha1(leaf) + ") that is not the one vCenter reports for it ("
                    + reported() + "); refused. If the host's certificate was just replaced, vCenter's report"
                    + " follows once the host reconnects; otherwise something else answers at the host's address");
        }
        if (caBundle != null) {
            if (engine != null) {
                caBundle.checkServerTrusted(chain, authType, engine);
            } else {
                caBundle.checkServerTrusted(chain, authType);
            }
            return;
        }
        throw new CertificateException(host + ": vCenter reports no certificate for it"
                + (policy.vcenterVerified() ? "" : " that could be believed (vCenter's own certificate is not verified)")
                + " and no CA bundle is configured; refused");
    }

    private boolean reportMatches(X509Certificate leaf) {
        if (host.certificate() != null) {
            return host.certificate().equals(leaf);
        }
        return Thumbprints.matches(host.sslThumbprint(), leaf);
    }

    private String reported() {
        return host.certificate() != null ? "config.certificate SHA-256 " + Thumbprints.sha256(host.certificate())
                : "summary.config.sslThumbprint " + host.sslThumbprint();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return caBundle == null ? new X509Certificate[0] : caBundle.getAcceptedIssuers();
    }
}
