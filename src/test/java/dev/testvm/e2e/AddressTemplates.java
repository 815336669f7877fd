package dev.testvm.e2e;

import dev.testvm.testsupport.Simulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulator templates whose guests make the address hard to choose, with the timings of
 * {@link DiscoveryTemplates} (Tools at 50 s = 1 s real, IP at 75 s = 1.5 s, Tools poll 1500 s = 30 s
 * unless Tools must answer: 150 s = 3 s). Simulated seconds.
 *
 * <pre>
 * template                    from                 notes
 * e2e-linux-docker[-tools]    ubuntu-docker        docker0, virbr0, tun0 up from Tools start (1 s), listed first
 *                                                  (also by Tools); the NIC's address only at 200 s (4 s)
 * e2e-windows-hyperv[-tools]  windows-hyperv       vEthernet (Default Switch), the same way
 * e2e-linux-ip-change         ubuntu-ip-change     NIC 0's first lease replaced 150 s (3 s real) after it appears
 * </pre>
 */
final class AddressTemplates {

    static final String IP_CHANGE = "Templates/e2e-linux-ip-change";

    private AddressTemplates() {}

    static String bridges(String os, boolean tools) {
        return "Templates/" + bridgesName(os, tools);
    }

    private static String bridgesName(String os, boolean tools) {
        return (os.equals("linux") ? "e2e-linux-docker" : "e2e-windows-hyperv") + (tools ? "-tools" : "");
    }

    static synchronized void ensure(Simulator simulator) {
        for (String os : DiscoveryTemplates.OSES) {
            String from = os.equals("linux") ? "ubuntu-docker" : "windows-hyperv";
            // The NIC gets its address 3 s after the bridges are up: long enough to be asked meanwhile.
            add(simulator, bridgesName(os, false), from, Map.of("ipSeconds", "200"));
            add(simulator, bridgesName(os, true), from, Map.of("ipSeconds", "200", "toolsPollSeconds", "150"));
        }
        add(simulator, "e2e-linux-ip-change", "ubuntu-ip-change", Map.of("ipChangeSeconds", "150"));
    }

    private static void add(Simulator simulator, String name, String from, Map<String, String> knobs) {
        Map<String, String> all = new HashMap<>(Map.of("toolsSeconds", "50", "ipSeconds", "75", "toolsPollSeconds", "1500"));
        all.putAll(knobs);
        simulator.addTemplate(name, from, all, List.of(), false);
    }
}
