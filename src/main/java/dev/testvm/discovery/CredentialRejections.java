package dev.testvm.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers credentials the guest refused, per TestVM. Retrying a wrong password in a loop is
 * how guest accounts get locked out, so a refused login is only tried again once the
 * credentials have changed.
 */
final class CredentialRejections {

    private record Rejection(String fingerprint, String message) {}

    private final Map<String, Rejection> byKey = new ConcurrentHashMap<>();

    /** The earlier refusal's message while the same credentials are offered again; empty otherwise. */
    Optional<String> stillRejected(GuestTarget target) {
        Rejection rejection = byKey.get(target.key());
        if (rejection == null) {
            return Optional.empty();
        }
        if (rejection.fingerprint().equals(fingerprint(target))) {
            return Optional.of(rejection.message());
        }
        byKey.remove(target.key(), rejection);
        return Optional.empty();
    }

    void reject(GuestTarget target, String message) {
        byKey.put(target.key(), new Rejection(fingerprint(target), message));
    }

    void forget(String key) {
        byKey.remove(key);
    }

    // Without a version, a digest of the credentials stands in for one, so the password itself
    // is not kept around any longer than the caller keeps it.
    private static String fingerprint(GuestTarget target) {
        if (target.credentialsVersion() != null) {
            return "version:" + target.credentialsVersion();
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(target.credentials().username().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(target.credentials().password().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
