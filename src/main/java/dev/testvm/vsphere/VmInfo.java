package dev.testvm.vsphere;

import java.util.List;
import java.util.Map;

/**
 * The properties of a VM the operator decides on, read in one round trip.
 *
 * @param guestFamily Tools' {@code guest.guestFamily} (e.g. linuxGuest), null before Tools run
 * @param guestId {@code config.guestId} as configured on the VM
 * @param ipAddress Tools' {@code guest.ipAddress}, null until Tools publish one
 * @param extraConfig the VM's {@code config.extraConfig} as strings
 * @param currentSnapshot {@code snapshot.currentSnapshot}, null when the VM has no snapshot
 * @param virtualNics the VM's ethernet cards in device order, from {@code config.hardware.device}
 */
public record VmInfo(
        MoRef moRef,
        String name,
        String instanceUuid,
        boolean template,
        PowerState powerState,
        MoRef host,
        boolean toolsRunning,
        boolean guestOperationsReady,
        String guestFamily,
        String guestId,
        String ipAddress,
        List<GuestNic> nics,
        Map<String, String> extraConfig,
        MoRef currentSnapshot,
        List<VirtualNic> virtualNics) {

    public VmInfo {
        nics = nics == null ? List.of() : List.copyOf(nics);
        virtualNics = virtualNics == null ? List.of() : List.copyOf(virtualNics);
        extraConfig = extraConfig == null ? Map.of() : Map.copyOf(extraConfig);
    }
}
