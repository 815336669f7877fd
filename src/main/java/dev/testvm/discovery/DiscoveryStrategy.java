package dev.testvm.discovery;

import java.util.Locale;

/** {@code spec.ipDiscovery.strategy}. */
public enum DiscoveryStrategy {
    /** Wait for VMware Tools to publish the address (~30 s after the network is up). */
    TOOLS("tools"),
    /** Only run the discovery command in the guest; needs guest credentials. */
    GUEST_OPERATIONS("guestOperations"),
    /** Race both when guest credentials are set, Tools alone otherwise. */
    AUTO("auto");

    private final String specValue;

    DiscoveryStrategy(String specValue) {
        this.specValue = specValue;
    }

    public String specValue() {
        return specValue;
    }

    /** Case-insensitive; null or blank means the CRD default, auto. */
    public static DiscoveryStrategy parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        for (DiscoveryStrategy strategy : values()) {
            if (strategy.specValue.equalsIgnoreCase(value.trim())) {
                return strategy;
            }
        }
        throw new IllegalArgumentException(
                "unknown IP discovery strategy '" + value + "' (expected auto, tools or guestOperations)");
    }
}
