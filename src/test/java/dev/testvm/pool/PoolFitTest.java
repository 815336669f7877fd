package dev.testvm.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Hardware;
import dev.testvm.api.TestVMSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which claimants a pool's VMs fit. */
class PoolFitTest {

    private final TestVMSpec pool = spec();

    @Test
    void aClaimantSettingOnlyWhatThePoolHasFits() {
        TestVMSpec claimant = spec();
        claimant.setPoolRef("warm");
        claimant.setTtl("2h");
        assertThat(PoolFit.misfit(claimant, "(environment)", pool, "(environment)")).isEmpty();
        assertThat(PoolFit.misfit(claimant, "(environment)", pool, null)).as("pool's vCenter not known yet").isEmpty();
    }

    @Test
    void everyMachineFieldTheClaimantSetsMustMatch() {
        TestVMSpec claimant = spec();
        claimant.setCloneType(CloneTypeSpec.full);
        Hardware hardware = new Hardware();
        hardware.setMemoryMiB(8192L);
        claimant.setHardware(hardware);
        claimant.setExtraConfig(Map.of("guestinfo.role", "db"));
        assertThat(PoolFit.misfit(claimant, null, pool, null))
                .hasValue("spec.cloneType, spec.extraConfig, spec.hardware differ from the pool's spec.vm");

        TestVMSpec otherTemplate = spec();
        otherTemplate.setTemplate("Templates/windows-2022");
        assertThat(PoolFit.misfit(otherTemplate, null, pool, null)).hasValue("spec.template differs from the pool's spec.vm");
    }

    @Test
    void theVmsMustBeInTheClaimantsVCenter() {
        TestVMSpec claimant = spec();
        claimant.setVcenter("lab-a");
        assertThat(PoolFit.misfit(claimant, "lab-a", pool, "lab-b"))
                .hasValue("this TestVM is in vCenter lab-a, the pool's VMs in lab-b");
        assertThat(PoolFit.misfit(claimant, "lab-a", pool, "lab-a")).as("spec.vcenter itself is compared by where the VMs are").isEmpty();
    }

    private static TestVMSpec spec() {
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate("Templates/ubuntu-22.04");
        spec.setCloneType(CloneTypeSpec.linked);
        return spec;
    }
}
