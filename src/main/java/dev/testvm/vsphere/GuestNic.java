package dev.testvm.vsphere;

import java.util.List;

/** One entry of {@code guest.net}: what VMware Tools last published about a NIC. */
public record GuestNic(String network, String macAddress, boolean connected, List<String> ipAddresses) {

    public GuestNic {
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    }
}
