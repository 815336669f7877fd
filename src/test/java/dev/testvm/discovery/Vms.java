package dev.testvm.discovery;

import dev.testvm.testsupport.TestPasswords;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VmInfo;
import java.util.List;
import java.util.Map;

/** VmInfo fixtures at the stages of a boot. */
final class Vms {

    static final MoRef VM = MoRef.vm("vm-42");
    static final GuestCredentials GOOD = new GuestCredentials("ci", TestPasswords.register("s3cret-Pa55"));
    static final GuestCredentials WRONG = new GuestCredentials("ci", TestPasswords.register("wr0ng-Pa55"));

    private Vms() {}

    static VmInfo info(boolean toolsRunning, String guestFamily, String guestId, String ipAddress, List<GuestNic> nics) {
        return new VmInfo(VM, "ci-build-42", "uid-42", false, PowerState.POWERED_ON, null, toolsRunning,
                toolsRunning, guestFamily, guestId, ipAddress, nics, Map.of(), null, List.of());
    }

    /** Tools run, guest operations are ready, no address published yet. */
    static VmInfo linuxBooted() {
        return info(true, "linuxGuest", "ubuntu64Guest", null, List.of());
    }

    static VmInfo windowsBooted() {
        return info(true, "windowsGuest", "windows2019srv_64Guest", null, List.of());
    }

    static VmInfo linuxWithToolsIp(String ip, String network) {
        return info(true, "linuxGuest", "ubuntu64Guest", ip,
                List.of(new GuestNic(network, "00:50:56:a1:b2:c3", true, List.of(ip))));
    }

    static VmInfo poweredOnNoTools() {
        return info(false, null, "ubuntu64Guest", null, List.of());
    }
}
