package dev.testvm.discovery;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.VmInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the address VMware Tools published: {@code guest.ipAddress} first (Tools' own pick),
 * then every NIC's addresses from {@code guest.net}, through the same filters as guest output.
 * Tools publish on a fixed ~30 s poll, which is why this source is usually the slow one.
 */
public final class ToolsIpSource {

    private ToolsIpSource() {}

    public static IpChoice choose(VmInfo info, IpFilter filter) {
        List<InetAddress> found = new ArrayList<>();
        if (info.ipAddress() != null) {
            IpScanner.parseLiteral(info.ipAddress()).ifPresent(found::add);
        }
        for (GuestNic nic : info.nics()) {
            for (String text : nic.ipAddresses()) {
                IpScanner.parseLiteral(text).ifPresent(found::add);
            }
        }
        IpChoice choice = filter.choose(found, info);
        if (!choice.found() && found.isEmpty()) {
            return IpChoice.none(choice.addresses(), "VMware Tools have not published an IP address yet");
        }
        return choice;
    }
}
