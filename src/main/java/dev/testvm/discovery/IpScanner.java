package dev.testvm.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds IP address literals in free-form command output.
 *
 * <p>A deliberately loose pattern only proposes candidates; the JDK decides what is a valid
 * address. Only strings that are purely numeric IPv4 literals or contain two colons ever reach
 * {@link InetAddress#getByName}: for those the JDK parses the literal and never consults DNS.
 * Zone ids are cut off before that, because the JDK resolves a named zone ({@code %eth0})
 * against the interfaces of the machine the operator runs on, which means nothing for a guest.
 */
public final class IpScanner {

    // Hex digits, dots and colons, optionally followed by a zone id: covers both families and
    // stops at prefix lengths ("/24"), brackets ("(Preferred)") and any letter beyond a-f.
    private static final Pattern CANDIDATE = Pattern.compile("[0-9A-Fa-f:.]+(?:%[0-9A-Za-z_.\\-]+)?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    // iproute2 and ifconfig are never localised, so their broadcast labels can be relied on.
    private static final Pattern BROADCAST_LABEL = Pattern.compile("(?i)(?:\\bbrd|\\bbroadcast|\\bbcast)[ :]*$");
    private static final Pattern IPV6ISH = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:\\d{1,3}(?:\\.\\d{1,3}){3})?");

    private IpScanner() {}

    /**
     * The hardware address of the interface each address in {@code text} was printed under:
     * how an address is traced to one of the VM's own NICs (see {@link GuestInterfaces} for the
     * formats understood). Addresses of interfaces that print no MAC (tunnels, loopback) and
     * output without MACs at all map nothing.
     *
     * @return canonical address (as {@link #format}) → lower-case, colon-separated MAC
     */
    public static Map<String, String> macsByAddress(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        for (GuestInterfaces.Interface nic : GuestInterfaces.parse(text)) {
            if (nic.mac() == null) {
                continue;
            }
            Matcher matcher = CANDIDATE.matcher(nic.text());
            while (matcher.find()) {
                for (InetAddress address : literalsIn(matcher.group())) {
                    result.putIfAbsent(format(address), nic.mac());
                }
            }
        }
        return result;
    }

    /** Lower case with colons, as {@link #macsByAddress} returns it; null stays null. */
    public static String normalizeMac(String mac) {
        return mac == null ? null : mac.trim().toLowerCase(Locale.ROOT).replace('-', ':');
    }

    /**
     * Every address in {@code text}, in order of appearance, without duplicates.
     *
     * <p>When the text carries dotted subnet masks (ipconfig, ifconfig), an IPv4 address counts
     * only when a mask follows it: that is how those tools print an interface's own address,
     * while gateways, DHCP and DNS servers are printed without one. The masks themselves are
     * not addresses. IPv6 addresses are not affected. Broadcast addresses labelled as such by
     * {@code ip} or {@code ifconfig} ({@code brd}, {@code broadcast}, {@code Bcast:}) are skipped.
     */
    public static List<InetAddress> scan(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<InetAddress> inOrder = new ArrayList<>();
        Matcher matcher = CANDIDATE.matcher(text);
        while (matcher.find()) {
            String before = text.substring(Math.max(0, matcher.start() - 12), matcher.start());
            if (!BROADCAST_LABEL.matcher(before).find()) {
                inOrder.addAll(literalsIn(matcher.group()));
            }
        }
        boolean hasMasks = inOrder.stream().anyMatch(IpScanner::isNetmask);
        Set<InetAddress> result = new LinkedHashSet<>();
        for (int i = 0; i < inOrder.size(); i++) {
            InetAddress address = inOrder.get(i);
            if (hasMasks && address instanceof Inet4Address) {
                boolean followedByMask = i + 1 < inOrder.size() && isNetmask(inOrder.get(i + 1));
                if (isNetmask(address) || !followedByMask) {
                    continue;
                }
            }
            result.add(address);
        }
        return List.copyOf(result);
    }

    /**
     * One address as VMware Tools or a user writes it: surrounding blanks, a prefix length
     * ({@code 10.0.0.5/24}) and a zone id are tolerated.
     */
    public static Optional<InetAddress> parseLiteral(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String candidate = text.trim();
        int slash = candidate.indexOf('/');
        if (slash >= 0) {
            candidate = candidate.substring(0, slash);
        }
        return validated(stripZone(candidate));
    }

    /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6 without zone. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            return formatIpv6(address.getAddress());
        }
        return address.getHostAddress();
    }

    private static List<InetAddress> literalsIn(String token) {
        String candidate = trimDots(stripZone(token));
        if (colons(candidate) >= 2) {
            Optional<InetAddress> address = validated(candidate);
            if (address.isEmpty()) {
                address = validated(trimSingleColons(candidate));
            }
            return address.map(List::of).orElse(List.of());
        }
        // "addr:10.0.0.5", "Mask:255.255.255.0", "10.0.0.5:22": the colon is a separator here.
        List<InetAddress> found = new ArrayList<>();
        for (String part : candidate.split(":")) {
            validated(trimDots(part)).ifPresent(found::add);
        }
        return found;
    }

    private static Optional<InetAddress> validated(String candidate) {
        boolean numeric = isCanonicalIpv4(candidate)
                || (colons(candidate) >= 2 && IPV6ISH.matcher(candidate).matches());
        if (!numeric) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(candidate));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // The JDK falls back to a DNS lookup for dotted strings it cannot parse (999.1.1.1) and
    // treats leading zeros as ambiguous: only plain decimal octets up to 255 may reach it.
    private static boolean isCanonicalIpv4(String candidate) {
        if (!IPV4.matcher(candidate).matches()) {
            return false;
        }
        for (String octet : candidate.split("\\.")) {
            if ((octet.length() > 1 && octet.charAt(0) == '0') || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNetmask(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        byte[] b = address.getAddress();
        // 255.255.255.255 is far more often the broadcast address than a /32 mask.
        if ((b[0] & 0xff) != 0xff || (b[3] & 0xff) == 0xff) {
            return false;
        }
        int value = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int inverted = ~value;
        // A mask is a run of ones followed by zeros: its complement plus one is a power of two.
        return (inverted & (inverted + 1)) == 0;
    }

    private static String stripZone(String text) {
        int percent = text.indexOf('%');
        return percent >= 0 ? text.substring(0, percent) : text;
    }

    private static String trimDots(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '.') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '.') {
            end--;
        }
        return text.substring(start, end);
    }

    private static String trimSingleColons(String text) {
        String result = text;
        if (result.startsWith(":") && !result.startsWith("::")) {
            result = result.substring(1);
        }
        if (result.endsWith(":") && !result.endsWith("::")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static int colons(String text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ':') {
                count++;
            }
        }
        return count;
    }

    private static String formatIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952: the longest run (first on a tie) of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
