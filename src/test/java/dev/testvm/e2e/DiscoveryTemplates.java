package dev.testvm.e2e;

import dev.testvm.testsupport.Simulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulator templates with timings for the discovery tests. The test simulator runs 50x faster
 * than real time (0.02), but the operator's own pace (retry backoff 250 ms..1 s, SOAP round trips)
 * is real time, so the seed's timings (Tools poll 30 s -> 0.6 s) would let Tools and guest
 * operations finish in the same half second. These templates keep the seed's proportions where
 * they matter: the Tools poll is long (1500 simulated s = 30 s real) unless a test needs Tools to
 * deliver ("fallback" templates: 150 s = 3 s real). All values are simulated seconds.
 *
 * <pre>
 * template               Tools run   IP          Tools poll   notes
 * e2e-OS                 50 (1 s)    75 (1.5 s)  1500 (30 s)
 * e2e-OS-slow-dhcp       50          200 (4 s)   1500         3 s with Tools up and no IP
 * e2e-OS-apipa           50          75          1500         169.254 from 1.5 s, real IP at 3.5 s
 * e2e-OS-fallback        50          75          150 (3 s)    Tools publish the IP at 4 s
 * e2e-OS-ipv6            50          75          1500         IPv6 only (fd00:77::x)
 * e2e-OS-two-nics        50          75          1500         NICs on VM Network and DC0_DVPG0
 * e2e-OS-running         -           -           1500         powered on: an instant-clone source
 * </pre>
 *
 * OS is linux (from ubuntu-22.04) or windows (from windows-2016).
 */
final class DiscoveryTemplates {

    static final List<String> OSES = List.of("linux", "windows");

    private DiscoveryTemplates() {}

    static String path(String os, String variant) {
        return "Templates/" + name(os, variant);
    }

    static String name(String os, String variant) {
        return variant.isEmpty() ? "e2e-" + os : "e2e-" + os + "-" + variant;
    }

    /** Adds the templates unless an earlier test class did (one simulator serves every @QuarkusTest). */
    static synchronized void ensure(Simulator simulator) {
        for (String os : OSES) {
            String from = os.equals("linux") ? "ubuntu-22.04" : "windows-2016";
            add(simulator, os, "", from, Map.of(), List.of(), false);
            add(simulator, os, "slow-dhcp", from, Map.of("ipSeconds", "200"), List.of(), false);
            add(simulator, os, "apipa", from, Map.of("apipaSeconds", "100"), List.of(), false);
            add(simulator, os, "fallback", from, Map.of("toolsPollSeconds", "150"), List.of(), false);
            add(simulator, os, "ipv6", from, Map.of("ipFamily", "ipv6"), List.of(), false);
            add(simulator, os, "two-nics", from, Map.of("nics", "2"), List.of("VM Network", "DC0_DVPG0"), false);
            add(simulator, os, "running", from, Map.of(), List.of(), true);
        }
    }

    private static void add(Simulator simulator, String os, String variant, String from, Map<String, String> knobs,
            List<String> networks, boolean poweredOn) {
        Map<String, String> all = new HashMap<>(Map.of("toolsSeconds", "50", "ipSeconds", "75", "toolsPollSeconds", "1500"));
        all.putAll(knobs);
        simulator.addTemplate(name(os, variant), from, all, networks, poweredOn);
    }
}
