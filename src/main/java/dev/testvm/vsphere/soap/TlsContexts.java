package dev.testvm.vsphere.soap;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The three ways we trust a vCenter certificate, as {@link SSLContext}s for the JDK HttpClient:
 *
 * <ul>
 *   <li>{@link #verifying verifying} (the default): PKIX against the JDK trust store plus an
 *       optional PEM bundle. Hostname verification stays on: the JDK's PKIX trust manager checks
 *       the name because HttpClient asks for the "HTTPS" endpoint identification.
 *   <li>{@link #pinned pinned}: only a certificate whose SHA-256 fingerprint equals the given one
 *       is accepted. The pin is the identity, so neither the chain nor the host name are checked
 *       (a vCenter reached by IP usually lacks that IP in its certificate).
 *   <li>{@link #insecure insecure}: anything is accepted; only when explicitly configured.
 * </ul>
 */
public final class TlsContexts {

    private TlsContexts() {}

    public static SSLContext verifying(Path caBundle) {
        try {
            List<X509ExtendedTrustManager> managers = new ArrayList<>();
            managers.add(pkix(null));
            if (caBundle != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate cert : readPem(caBundle)) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                if (i == 0) {
                    throw new IllegalArgumentException("CA bundle " + caBundle + " holds no certificate");
                }
                managers.add(pkix(store));
            }
            return context(managers.size() == 1 ? managers.get(0) : new AnyOfTrustManager(managers));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS verification: " + e.getMessage(), e);
        }
    }

    /**
     * PKIX over the certificates of {@code caBundle} only (not the JDK store), for ESXi hosts whose
     * certificates a private CA (VMCA) signs. The name check happens where the caller's SSLEngine
     * asks for HTTPS endpoint identification.
     */
    public static X509ExtendedTrustManager bundleTrustManager(Path caBundle) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : readPem(caBundle)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new IllegalArgumentException("CA bundle " + caBundle + " holds no certificate");
            }
            return pkix(store);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS verification: " + e.getMessage(), e);
        }
    }

    /** An SSLContext that trusts through {@code manager} alone. */
    public static SSLContext withTrustManager(TrustManager manager) {
        return context(manager);
    }

    public static SSLContext pinned(String sha256Thumbprint) {
        return context(new PinningTrustManager(normalize(sha256Thumbprint)));
    }

    public static SSLContext insecure() {
        return context(new PinningTrustManager(null));
    }

    /** SHA-256 of the DER certificate as upper-case hex pairs joined by colons ("AA:BB:..."). */
    public static String thumbprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts "aa:bb:...", "AABB..." or with spaces; returns the colon form. */
    static String normalize(String thumbprint) {
        String hex = thumbprint.replaceAll("[:\\s-]", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 thumbprint (64 hex digits): " + thumbprint);
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    private static List<? extends Certificate> readPem(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static X509ExtendedTrustManager pkix(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager available");
    }

    private static SSLContext context(TrustManager manager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {manager}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts a server when any delegate does (JDK store, then the CA bundle). */
    private static final class AnyOfTrustManager extends X509ExtendedTrustManager {
        private final List<X509ExtendedTrustManager> delegates;

        AnyOfTrustManager(List<X509ExtendedTrustManager> delegates) {
            this.delegates = List.copyOf(delegates);
        }

        private interface Check {
            void run(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void any(Check check) throws CertificateException {
            CertificateException first = null;
            for (X509ExtendedTrustManager tm : delegates) {
                try {
                    check.run(tm);
                    return;
                } catch (CertificateException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            throw first;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            any(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            any(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            any(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegates.stream().flatMap(tm -> List.of(tm.getAcceptedIssuers()).stream())
                    .toArray(X509Certificate[]::new);
        }
    }

    /**
     * Accepts the leaf certificate whose SHA-256 thumbprint equals {@code expected}, or any
     * certificate when {@code expected} is null (insecure mode). Being an
     * {@link X509ExtendedTrustManager}, the JDK adds no hostname check of its own.
     */
    private static final class PinningTrustManager extends X509ExtendedTrustManager implements X509TrustManager {
        private final String expected;

        PinningTrustManager(String expected) {
            this.expected = expected;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (expected == null) {
                return;
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("server sent no certificate");
            }
            String actual = thumbprint(chain[0]);
            if (!actual.equals(expected)) {
                throw new CertificateException("server certificate SHA-256 thumbprint is " + actual
                        + " but the configured (pinned) thumbprint is " + expected
                        + "; connection refused. If the vCenter certificate was replaced on purpose, pin the new"
                        + " thumbprint (testvm.vcenter.thumbprint); otherwise this is not the vCenter you configured");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
