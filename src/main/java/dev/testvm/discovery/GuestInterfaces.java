package dev.testvm.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a guest's interface listing into interfaces, each with its hardware address, so an
 * address can be traced to the NIC it is on. Understands {@code ip address show} (blocks),
 * {@code ip -o link} / {@code ip -o address} (one line per item, merged by interface name),
 * {@code ifconfig} and {@code ipconfig /all} (blocks, in any language: only the layout and the
 * MAC's shape are relied on, never a label).
 */
final class GuestInterfaces {

    /** iproute2's "2: ens192: <...>" or, one-line form, "2: ens192    inet ..." / "5: veth1@if4: ...". */
    private static final Pattern IPROUTE_HEADER = Pattern.compile("^\\d+:\\s+([^\\s:@]+)");
    // Six pairs of hex digits joined by ':' (iproute2, ifconfig) or '-' (ipconfig /all), standing
    // alone: an 8-byte tunnel "address" (00-00-00-00-00-00-00-E0) or a DUID is not a MAC.
    private static final Pattern MAC = Pattern.compile(
            "(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\\1[0-9a-f]{2}){4}(?![0-9a-f:-])");

    /**
     * @param name the interface name as printed (the whole header line for ipconfig/ifconfig)
     * @param mac lower-case, colon-separated; null when the interface printed none (tunnels,
     *     loopback, or a command that prints no MACs at all)
     * @param text every line printed for the interface
     */
    record Interface(String name, String mac, String text) {}

    private GuestInterfaces() {}

    static List<Interface> parse(String text) {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> current = null;
        int unnamed = 0;
        for (String line : text.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                Matcher iproute = IPROUTE_HEADER.matcher(line);
                // Blocks of other tools are never merged: their headers are unique anyway.
                String key = iproute.find() ? iproute.group(1) : line.trim() + "#" + unnamed++;
                current = blocks.computeIfAbsent(key, k -> new ArrayList<>());
            }
            if (current != null) {
                current.add(line);
            }
        }
        List<Interface> result = new ArrayList<>();
        blocks.forEach((key, lines) -> {
            String name = key.contains("#") ? key.substring(0, key.lastIndexOf('#')) : key;
            String all = String.join("\n", lines);
            result.add(new Interface(name, firstMac(all), all));
        });
        return result;
    }

    /** True when at least one interface printed a MAC: then every address can be traced. */
    static boolean anyMac(List<Interface> interfaces) {
        return interfaces.stream().anyMatch(i -> i.mac() != null);
    }

    private static String firstMac(String text) {
        Matcher matcher = MAC.matcher(text);
        while (matcher.find()) {
            String candidate = matcher.group().toLowerCase(Locale.ROOT).replace('-', ':');
            if (!candidate.equals("00:00:00:00:00:00") && !candidate.equals("ff:ff:ff:ff:ff:ff")) {
                return candidate;
            }
        }
        return null;
    }
}
