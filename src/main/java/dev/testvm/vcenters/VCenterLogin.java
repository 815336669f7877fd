package dev.testvm.vcenters;

import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.VCenterSpec;
import dev.testvm.api.VCenterTls;
import dev.testvm.vsphere.ConnectionSettings;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * How to log in to one VCenter: its spec plus the user and password of its credentials Secret.
 * The {@link #fingerprint} changes exactly when the session must be replaced (URL, user, password,
 * TLS, task limit, datacenter), and is a digest: the password is never kept in memory longer than
 * the connection needs it.
 */
record VCenterLogin(ConnectionSettings settings, String fingerprint) {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param secret the credentials Secret, empty if it does not exist
     * @param caDirectory where PEM CA bundles given inline are written (the SOAP client reads a file)
     */
    static VCenterLogin of(String name, VCenterSpec spec, Optional<Secret> secret, String secretNamespace, Path caDirectory)
            throws SetupProblem {
        SecretKeyRef ref = spec.getCredentialsSecret();
        Secret found = secret.orElseThrow(() -> new SetupProblem("CredentialsSecretMissing",
                "spec.credentialsSecret: Secret " + secretNamespace + "/" + ref.getName() + " not found"));
        String username = key(found, ref.getUsernameKey(), secretNamespace);
        String password = key(found, ref.getPasswordKey(), secretNamespace);
        VCenterTls tls = spec.getTls() == null ? new VCenterTls() : spec.getTls();
        Path caBundle = caBundle(name, tls.getCaBundle(), caDirectory);
        int maxTasks = spec.getMaxConcurrentTasks() == null ? 8 : spec.getMaxConcurrentTasks();
        ConnectionSettings settings = new ConnectionSettings(URI.create(spec.getUrl()), username, password, caBundle,
                blankToNull(tls.getThumbprint()), Boolean.TRUE.equals(tls.getInsecure()), maxTasks, REQUEST_TIMEOUT);
        String fingerprint = digest(spec.getUrl(), username, password, tls.getCaBundle(), tls.getThumbprint(),
                String.valueOf(tls.getInsecure()), String.valueOf(maxTasks), spec.getDatacenter());
        return new VCenterLogin(settings, fingerprint);
    }

    private static String key(Secret secret, String key, String namespace) throws SetupProblem {
        Map<String, String> data = secret.getData();
        String encoded = data == null ? null : data.get(key);
        if (encoded == null || encoded.isEmpty()) {
            throw new SetupProblem("CredentialsSecretInvalid", "spec.credentialsSecret: Secret " + namespace + "/"
                    + secret.getMetadata().getName() + " has no key '" + key + "'");
        }
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** The SOAP client reads CA bundles from files: one file per content, so a changed bundle is a new file. */
    private static Path caBundle(String name, String pem, Path directory) throws SetupProblem {
        if (pem == null || pem.isBlank()) {
            return null;
        }
        Path file = directory.resolve(name + "-" + digest(pem).substring(0, 16) + ".pem");
        try {
            Files.createDirectories(directory);
            if (!Files.exists(file)) {
                Files.writeString(file, pem);
            }
            return file;
        } catch (IOException e) {
            throw new SetupProblem("CABundleUnusable", "spec.tls.caBundle: cannot be written for the TLS client: " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String digest(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
