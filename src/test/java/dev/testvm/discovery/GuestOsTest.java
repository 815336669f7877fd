package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.GuestOsSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestOsTest {

    @Test
    void explicit_setting_wins_over_what_the_vm_says() {
        assertThat(GuestOs.resolve(GuestOsSpec.linux, Vms.windowsBooted())).contains(GuestOs.LINUX);
        assertThat(GuestOs.resolve(GuestOsSpec.windows, Vms.linuxBooted())).contains(GuestOs.WINDOWS);
    }

    @Test
    void auto_uses_tools_guest_family_first() {
        var windowsFamilyLinuxId = Vms.info(true, "windowsGuest", "ubuntu64Guest", null, List.of());
        assertThat(GuestOs.resolve(GuestOsSpec.auto, windowsFamilyLinuxId)).contains(GuestOs.WINDOWS);
        assertThat(GuestOs.resolve(null, Vms.linuxBooted())).contains(GuestOs.LINUX);
    }

    @Test
    void auto_falls_back_to_guest_id_before_tools_run() {
        assertThat(GuestOs.resolve(GuestOsSpec.auto, Vms.info(false, null, "windows9Server64Guest", null, List.of())))
                .contains(GuestOs.WINDOWS);
        assertThat(GuestOs.resolve(null, Vms.info(false, null, "rhel9_64Guest", null, List.of()))).contains(GuestOs.LINUX);
        assertThat(GuestOs.resolve(GuestOsSpec.auto, Vms.info(false, "otherGuestFamily", "freebsd13_64Guest", null, List.of())))
                .isEmpty();
        assertThat(GuestOs.resolve(GuestOsSpec.auto, Vms.info(false, null, null, null, List.of()))).isEmpty();
    }

    @Test
    void linux_guest_ids() {
        for (String id : List.of("ubuntu64Guest", "centos8_64Guest", "debian12_64Guest", "otherLinux64Guest",
                "other5xLinux64Guest", "sles15_64Guest", "vmwarePhoton64Guest", "rockylinux_64Guest",
                "almalinux_64Guest", "amazonlinux2_64Guest", "oracleLinux9_64Guest", "fedora64Guest")) {
            assertThat(GuestOs.fromGuestId(id)).as(id).contains(GuestOs.LINUX);
        }
        assertThat(GuestOs.fromGuestId("winNetStandardGuest")).contains(GuestOs.WINDOWS);
        assertThat(GuestOs.fromGuestId("darwin21_64Guest")).isEmpty();
        assertThat(GuestOs.fromGuestId("solaris11_64Guest")).isEmpty();
    }

    @Test
    void recorded_status_value_is_read_back_and_nothing_else_counts() {
        assertThat(GuestOs.ofStatus("linux")).contains(GuestOs.LINUX);
        assertThat(GuestOs.ofStatus("windows")).contains(GuestOs.WINDOWS);
        assertThat(GuestOs.ofStatus("beos")).isEmpty();
        assertThat(GuestOs.ofStatus(null)).isEmpty();
    }
}
