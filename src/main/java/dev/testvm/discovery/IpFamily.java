package dev.testvm.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/** Which address family {@code spec.ipDiscovery.family} asks for. */
public enum IpFamily {
    IPV4("IPv4"),
    IPV6("IPv6"),
    ANY("any");

    private final String specValue;

    IpFamily(String specValue) {
        this.specValue = specValue;
    }

    public String specValue() {
        return specValue;
    }

    public boolean accepts(InetAddress address) {
        return switch (this) {
            case IPV4 -> address instanceof Inet4Address;
            case IPV6 -> address instanceof Inet6Address;
            case ANY -> true;
        };
    }

    /** Case-insensitive; null or blank means the CRD default, IPv4. */
    public static IpFamily parse(String value) {
        if (value == null || value.isBlank()) {
            return IPV4;
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (IpFamily family : values()) {
            if (family.specValue.toLowerCase(Locale.ROOT).equals(wanted)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown IP family '" + value + "' (expected IPv4, IPv6 or any)");
    }
}
