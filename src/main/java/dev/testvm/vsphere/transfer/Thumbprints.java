package dev.testvm.vsphere.transfer;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** Certificate fingerprints in vCenter's notation: upper-case hex pairs joined by colons. */
final class Thumbprints {

    private Thumbprints() {}

    static String sha256(X509Certificate cert) {
        return digest("SHA-256", cert);
    }

    static String sha1(X509Certificate cert) {
        return digest("SHA-1", cert);
    }

    /**
     * Whether {@code reported} (SHA-1 as {@code summary.config.sslThumbprint} has it, or SHA-256)
     * is the fingerprint of {@code cert}; separators and case do not matter.
     */
    static boolean matches(String reported, X509Certificate cert) {
        String hex = reported.replaceAll("[:\\s-]", "").toUpperCase(Locale.ROOT);
        String algorithm = switch (hex.length()) {
            case 40 -> "SHA-1";
            case 64 -> "SHA-256";
            default -> null;
        };
        return algorithm != null && digest(algorithm, cert).replace(":", "").equals(hex);
    }

    private static String digest(String algorithm, X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
