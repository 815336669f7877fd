package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.testsupport.FakeVCenter.Run;
import dev.testvm.vsphere.transfer.GuestFileHostFault;
import dev.testvm.vsphere.transfer.GuestFileTransferException;
import org.junit.jupiter.api.Test;

/** The readiness command: its exit code decides; the output only explains. */
class GuestCommandProbeTest {

    private final FakeVCenter vcenter = FakeVCenter.guestOnly();
    private final GuestCommandProbe probe = new GuestCommandProbe(DiscoverySettings.defaults());

    private GuestCommandProbe.Result step() {
        return probe.step(new GuestTarget("uid-1", vcenter, Vms.VM, Vms.linuxBooted(), Vms.GOOD, "1"), GuestOs.LINUX,
                "systemctl is-active ssh");
    }

    @Test
    void exitZeroPassesWithTheLastLine() {
        vcenter.then(Run.printing("active\n"));
        step();
        GuestCommandProbe.Result passed = step();
        assertThat(passed.state()).isEqualTo(GuestCommandProbe.State.PASSED);
        assertThat(passed.lastLine()).isEqualTo("active");
    }

    @Test
    void exitZeroPassesWhenTheEsxiHostWillNotServeTheOutput() {
        vcenter.then(Run.printing("active\n"));
        vcenter.downloadFaults.add(new GuestFileTransferException(GuestFileHostFault.UNREACHABLE,
                "esx-02.lab.invalid", "127.0.0.12", 443, "cannot connect to ESXi host 'esx-02.lab.invalid'"));
        step();
        GuestCommandProbe.Result passed = step();
        assertThat(passed.state()).isEqualTo(GuestCommandProbe.State.PASSED);
        assertThat(passed.message()).contains("exited 0", "ESXi host");
        assertThat(vcenter.files).as("its output file is deleted all the same").isEmpty();
    }

    @Test
    void aNonZeroExitFailsEvenWithoutOutput() {
        vcenter.then(Run.failing(3, "inactive\n"));
        step();
        GuestCommandProbe.Result failed = step();
        assertThat(failed.state()).isEqualTo(GuestCommandProbe.State.FAILED);
        assertThat(failed.message()).contains("exited with code 3", "inactive");
    }
}
