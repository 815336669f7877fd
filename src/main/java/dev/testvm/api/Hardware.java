package dev.testvm.api;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class Hardware {

    @Min(1)
    @Max(768)
    private Integer cpus;

    /** vSphere 8's maximum memory per VM: 24 TB. */
    @Min(4)
    @Max(25_165_824)
    private Long memoryMiB;

    public Integer getCpus() {
        return cpus;
    }

    public void setCpus(Integer cpus) {
        this.cpus = cpus;
    }

    public Long getMemoryMiB() {
        return memoryMiB;
    }

    public void setMemoryMiB(Long memoryMiB) {
        this.memoryMiB = memoryMiB;
    }
}
