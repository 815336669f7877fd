package dev.testvm.discovery;

import java.util.List;
import java.util.Optional;

/**
 * The result of filtering the addresses one source reported.
 *
 * @param ip the chosen address, or null when there is none yet
 * @param addresses every usable address found (loopback, link-local, multicast and unspecified
 *     dropped), in the order reported, whether or not it matched family and network; this is what
 *     goes to {@code status.ipAddresses}
 * @param whyNot when {@code ip} is null: why not, for a condition message or a log line
 */
public record IpChoice(String ip, List<String> addresses, String whyNot) {

    public IpChoice {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        if (ip == null && (whyNot == null || whyNot.isBlank())) {
            throw new IllegalArgumentException("an IpChoice without ip must say why");
        }
    }

    public static IpChoice none(List<String> addresses, String whyNot) {
        return new IpChoice(null, addresses, whyNot);
    }

    public boolean found() {
        return ip != null;
    }

    public Optional<String> chosen() {
        return Optional.ofNullable(ip);
    }
}
