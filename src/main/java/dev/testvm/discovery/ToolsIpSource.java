package dev.testvm.discovery;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the address VMware Tools published, through the same filters as guest output. When the
 * VM's devices are known, only {@code guest.net} counts, each address traced to its NIC by MAC:
 * Tools' own pick, {@code guest.ipAddress}, may well be a guest-side bridge (docker0) that the
 * guest happened to list first. Otherwise {@code guest.ipAddress} comes first, then every NIC's
 * addresses. Tools publish on a fixed ~30 s poll, which is why this source is usually the slow one.
 */
public final class ToolsIpSource {

    private ToolsIpSource() {}

    public static IpChoice choose(VmInfo info, IpFilter filter) {
        List<InetAddress> found = new ArrayList<>();
        Map<String, String> macs = new LinkedHashMap<>();
        boolean traceable = !info.virtualNics().isEmpty();
        if (info.ipAddress() != null && !traceable) {
            IpScanner.parseLiteral(info.ipAddress()).ifPresent(found::add);
        }
        for (GuestNic nic : info.nics()) {
            for (String text : nic.ipAddresses()) {
                IpScanner.parseLiteral(text).ifPresent(address -> {
                    found.add(address);
                    if (traceable && nic.macAddress() != null) {
                        macs.putIfAbsent(IpScanner.format(address), IpScanner.normalizeMac(nic.macAddress()));
                    }
                });
            }
        }
        IpChoice choice = filter.choose(found, macs, info);
        if (!choice.found() && found.isEmpty()) {
            return IpChoice.none(choice.addresses(), "VMware Tools have not published an IP address yet");
        }
        return choice;
    }
}
