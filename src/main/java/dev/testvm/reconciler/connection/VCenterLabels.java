package dev.testvm.reconciler.connection;

import dev.testvm.api.TestVM;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which vCenter a TestVM's metrics and Events belong to: its pinned {@code status.vcenter}.
 *
 * <p>Metric tags carry the registry's name as is ({@code (environment)} for the environment's
 * vCenter), as {@code testvm_vcenter_requests_total} does. Event labels must be valid label
 * values (at most 63 characters of {@code [A-Za-z0-9._-]}, alphanumeric at both ends): a VCenter
 * name of up to 63 characters already is one and is used unchanged; the environment's vCenter is
 * {@value #ENVIRONMENT_LABEL} and a longer name is cut and given a hash suffix. Both contain an
 * underscore, which no VCenter name (a DNS subdomain name) can, so no two vCenters share a label.
 */
public final class VCenterLabels {

    /** {@code kubectl get events -l testvm.dev/vcenter=lab}. */
    public static final String EVENT_LABEL = "testvm.dev/vcenter";
    public static final String ENVIRONMENT_LABEL = "operator_environment";
    /** The metric tag of a TestVM not pinned to a vCenter (not admitted yet, or refused). */
    public static final String NONE = "none";

    private static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private VCenterLabels() {}

    /** The {@code vcenter} tag of a TestVM's metrics. */
    public static String metricTag(TestVM testVM) {
        return pinned(testVM).orElse(NONE);
    }

    /** The labels of a TestVM's Events: {@value #EVENT_LABEL} once it is pinned, none before. */
    public static Map<String, String> eventLabels(TestVM testVM) {
        return pinned(testVM).map(name -> Map.of(EVENT_LABEL, labelValue(name))).orElse(Map.of());
    }

    /** A valid label value standing for the vCenter {@code name}, different for different names. */
    static String labelValue(String name) {
        if (VCenterRegistry.ENVIRONMENT.equals(name)) {
            return ENVIRONMENT_LABEL;
        }
        if (name.length() <= MAX_LENGTH && VALID.matcher(name).matches()) {
            return name;
        }
        String hash = HexFormat.of().formatHex(sha256(name), 0, 4);
        String kept = name.replaceAll("[^-A-Za-z0-9_.]", "");
        kept = kept.substring(0, Math.min(kept.length(), MAX_LENGTH - hash.length() - 1)).replaceAll("[^A-Za-z0-9]+$", "");
        return kept.isEmpty() || !Character.isLetterOrDigit(kept.charAt(0)) ? "h_" + hash : kept + "_" + hash;
    }

    private static Optional<String> pinned(TestVM testVM) {
        return Optional.ofNullable(testVM.getStatus()).map(s -> s.getVcenter()).filter(v -> !v.isBlank());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
