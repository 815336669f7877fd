package dev.testvm.vsphere.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made in-process (BouncyCastle builds the certificates, the JDK the keys and
 * PKCS#12 stores; no keytool processes): a CA (like VMCA) and server key stores whose
 * certificates carry exactly the SANs a test asks for.
 */
final class TestPki {

    private static final String PASS = "changeit";
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private final Path dir;
    private final KeyPair caKey;
    private final X509Certificate caCert;

    TestPki(Path dir) throws IOException, GeneralSecurityException {
        this.dir = dir;
        this.caKey = newKeyPair();
        this.caCert = sign(new X500Name("CN=Test VMCA"), caKey.getPublic(), new X500Name("CN=Test VMCA"), caKey, null, true);
        try (JcaPEMWriter out = new JcaPEMWriter(Files.newBufferedWriter(caPem()))) {
            out.writeObject(caCert);
        }
    }

    Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** A server key store signed by the CA, SAN = {@code san} (e.g. "dns:esx-01.lab.invalid"). */
    Path signed(String name, String cn, String san) throws IOException, GeneralSecurityException {
        KeyPair key = newKeyPair();
        X509Certificate leaf = sign(new X500Name("CN=" + cn), key.getPublic(), new X500Name("CN=Test VMCA"), caKey, san, false);
        return store(name, key, leaf, caCert);
    }

    /** A self-signed server key store, SAN = {@code san}. */
    Path selfSigned(String name, String cn, String san) throws IOException, GeneralSecurityException {
        KeyPair key = newKeyPair();
        X500Name subject = new X500Name("CN=" + cn);
        return store(name, key, sign(subject, key.getPublic(), subject, key, san, false));
    }

    static X509Certificate leaf(Path store) throws Exception {
        return (X509Certificate) load(store).getCertificate("server");
    }

    static SSLContext serverContext(Path store) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(store), PASS.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    static List<X509Certificate> pem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> certs.add((X509Certificate) c));
            return certs;
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** {@code san}: "dns:NAME" or "ip:ADDRESS", null for none; {@code ca}: basic constraints CA=true. */
    private static X509Certificate sign(X500Name subject, PublicKey key, X500Name issuer, KeyPair issuerKey, String san, boolean ca)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, key);
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        }
        if (san != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(generalName(san)));
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static GeneralName generalName(String san) {
        int colon = san.indexOf(':');
        String kind = san.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String value = san.substring(colon + 1);
        return switch (kind) {
            case "dns" -> new GeneralName(GeneralName.dNSName, value);
            case "ip" -> new GeneralName(GeneralName.iPAddress, value);
            default -> throw new IllegalArgumentException("SAN kind dns or ip, not " + san);
        };
    }

    /** A PKCS#12 store with the key and chain under alias "server" (and the CA, if any, trusted as "ca"). */
    private Path store(String name, KeyPair key, X509Certificate... chain) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key.getPrivate(), PASS.toCharArray(), chain);
        if (chain.length > 1) {
            ks.setCertificateEntry("ca", chain[chain.length - 1]);
        }
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASS.toCharArray());
        }
        return file;
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }
}
