package dev.testvm.discovery;

import java.net.InetAddress;
import java.util.Objects;

/** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}, for the allow/exclude lists. */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + bits);
        }
    }

    /**
     * @throws IllegalArgumentException with a message fit for a condition when {@code text} is not
     *     an address, a slash and a prefix length
     */
    public static Cidr parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR like 10.0.0.0/8 or fd00::/8");
        }
        InetAddress address = IpScanner.parseLiteral(trimmed.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a CIDR like 10.0.0.0/8 or fd00::/8"));
        try {
            return new Cidr(address, Integer.parseInt(trimmed.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR like 10.0.0.0/8 or fd00::/8: " + e.getMessage());
        }
    }

    public boolean contains(InetAddress address) {
        byte[] net = network.getAddress();
        byte[] candidate = address.getAddress();
        if (net.length != candidate.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != candidate[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (candidate[full] & mask);
    }

    @Override
    public String toString() {
        return IpScanner.format(network) + "/" + prefixLength;
    }
}
