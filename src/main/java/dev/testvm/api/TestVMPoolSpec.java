package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "!has(self.vm.poolRef)", message = "spec.vm.poolRef: a pool's VMs cannot claim from a pool", fieldPath = ".vm")
@ValidationRule(value = "!has(self.vm.ttl)", message = "spec.vm.ttl: pool VMs are recycled by spec.maxAge, not by a ttl", fieldPath = ".vm")
@ValidationRule(value = "!has(self.vm.powerOn) || self.vm.powerOn", message = "spec.vm.powerOn: pool VMs must be powered on to become Ready",
        fieldPath = ".vm")
public class TestVMPoolSpec {

    @Required
    @JsonPropertyDescription("The machine every pool VM is: the same fields as a TestVM's spec (template, cloneType, hardware, "
            + "extraConfig, guest, ipDiscovery, placement). Immutable: create a new pool for another machine.")
    private TestVMSpec vm;

    @Required
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("VMs kept Ready and unclaimed. 0 scales the pool to zero (its unclaimed VMs are destroyed).")
    private Integer size;

    @Min(0)
    @Max(1000)
    @JsonPropertyDescription("With whenEmpty Clone: at most this many TestVMs of this pool clone on demand at once while the pool is "
            + "empty; the others wait for a pool VM. Unset: no limit.")
    private Integer burstLimit;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Unclaimed VMs older than this are destroyed and replaced, e.g. 12h. Unset: kept until claimed.")
    private String maxAge;

    @Default("2")
    @Min(1)
    @Max(50)
    @JsonPropertyDescription("At most this many pool VMs being cloned and booted at once. Refill clones also take their turn in "
            + "the operator's vCenter task queue.")
    private Integer refillConcurrency = 2;

    @Default("false")
    @JsonPropertyDescription("Stop refilling and recycling; Ready VMs can still be claimed.")
    private Boolean paused = Boolean.FALSE;

    @Default("Clone")
    @JsonPropertyDescription("What a claiming TestVM does when no pool VM is Ready: Clone (as without a pool) or Wait.")
    private WhenPoolEmpty whenEmpty = WhenPoolEmpty.Clone;

    public TestVMSpec getVm() {
        return vm;
    }

    public void setVm(TestVMSpec vm) {
        this.vm = vm;
    }

    public Integer getSize() {
        return size;
    }

    public void setSize(Integer size) {
        this.size = size;
    }

    public Integer getBurstLimit() {
        return burstLimit;
    }

    public void setBurstLimit(Integer burstLimit) {
        this.burstLimit = burstLimit;
    }

    public String getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(String maxAge) {
        this.maxAge = maxAge;
    }

    public Integer getRefillConcurrency() {
        return refillConcurrency;
    }

    public void setRefillConcurrency(Integer refillConcurrency) {
        this.refillConcurrency = refillConcurrency;
    }

    public Boolean getPaused() {
        return paused;
    }

    public void setPaused(Boolean paused) {
        this.paused = paused;
    }

    public WhenPoolEmpty getWhenEmpty() {
        return whenEmpty;
    }

    public void setWhenEmpty(WhenPoolEmpty whenEmpty) {
        this.whenEmpty = whenEmpty;
    }
}
