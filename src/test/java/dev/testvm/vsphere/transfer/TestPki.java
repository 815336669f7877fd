package dev.testvm.vsphere.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away PKI made with the JDK's keytool: a CA (like VMCA) and server key stores whose
 * certificates carry exactly the SANs a test asks for.
 */
final class TestPki {

    private static final String PASS = "changeit";
    private final Path dir;

    TestPki(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Test VMCA",
                "-ext", "bc:c", "-validity", "30", "-keystore", dir.resolve("ca.p12").toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(),
                "-file", caPem().toString());
    }

    Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** A server key store signed by the CA, SAN = {@code san} (e.g. "dns:esx-01.lab.invalid"). */
    Path signed(String name, String cn, String san) throws IOException, InterruptedException {
        Path store = newKey(name, cn);
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-infile",
                csr.toString(), "-outfile", pem.toString(), "-ext", "SAN=" + san, "-validity", "30");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store.toString(), "-file", caPem().toString());
        keytool("-importcert", "-alias", "server", "-keystore", store.toString(), "-file", pem.toString());
        return store;
    }

    /** A self-signed server key store, SAN = {@code san}. */
    Path selfSigned(String name, String cn, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-ext", "SAN=" + san, "-validity", "30", "-keystore", store.toString());
        return store;
    }

    private Path newKey(String name, String cn) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-validity", "30", "-keystore", store.toString());
        return store;
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

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASS, "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
