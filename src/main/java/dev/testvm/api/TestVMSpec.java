package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@ValidationRule(
        value = "!has(self.snapshot) || self.cloneType == 'linked'",
        message = "spec.snapshot is only allowed with cloneType 'linked'",
        fieldPath = ".snapshot")
@ValidationRule(
        value = "!(has(self.hardware) && self.cloneType == 'instant')",
        message = "spec.hardware cannot be used with cloneType 'instant': an instant clone keeps its running source's CPUs and memory",
        fieldPath = ".hardware")
@ValidationRule(
        value = "self == oldSelf",
        message = "spec is immutable: delete the TestVM and create a new one")
public class TestVMSpec {

    @Required
    @Size(min = 1)
    @Pattern(Durations.XML_TEXT)
    @JsonPropertyDescription("Inventory path of the source VM or template below the datacenter's vm folder, e.g. Templates/ubuntu-22.04.")
    private String template;

    @Default("linked")
    @JsonPropertyDescription("full, linked (child disk on a snapshot of the template) or instant (from a running source VM).")
    private CloneTypeSpec cloneType = CloneTypeSpec.linked;

    @Pattern(Durations.XML_TEXT)
    @JsonPropertyDescription("Linked clones only: the snapshot to clone from; default is the template's current snapshot.")
    private String snapshot;

    private Placement placement;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("Name of the VCenter to clone in. Default: the VCenter marked default, else the operator's configured vCenter.")
    private String vcenter;

    private Hardware hardware;

    @ValidationRule(value = "self.all(k, k.startsWith('guestinfo.'))", message = "spec.extraConfig keys must start with 'guestinfo.'")
    @JsonPropertyDescription("Extra VM configuration; only guestinfo.* keys, which the guest can read through VMware Tools.")
    private Map<String, String> extraConfig;

    @Default("true")
    @JsonPropertyDescription("Power the clone on. When false the TestVM stops after cloning and never becomes Ready.")
    private Boolean powerOn = Boolean.TRUE;

    private GuestSpec guest;

    private IpDiscoverySpec ipDiscovery;

    @Pattern(Durations.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1m') && duration(self) <= duration('8760h')",
            message = "spec.ttl must be between 1m and 8760h (one year)")
    @JsonPropertyDescription("Delete the TestVM this long after it became Ready, e.g. 2h or 90m; between 1m and 8760h.")
    private String ttl;

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of a TestVMPool in this namespace: take one of its Ready VMs at once instead of cloning. "
            + "The other fields must describe the same machine (at least spec.template); the pool's VM is used as it is.")
    private String poolRef;

    public String getTemplate() {
        return template;
    }

    public void setTemplate(String template) {
        this.template = template;
    }

    public CloneTypeSpec getCloneType() {
        return cloneType;
    }

    public void setCloneType(CloneTypeSpec cloneType) {
        this.cloneType = cloneType;
    }

    public String getSnapshot() {
        return snapshot;
    }

    public void setSnapshot(String snapshot) {
        this.snapshot = snapshot;
    }

    public Placement getPlacement() {
        return placement;
    }

    public void setPlacement(Placement placement) {
        this.placement = placement;
    }

    public Hardware getHardware() {
        return hardware;
    }

    public void setHardware(Hardware hardware) {
        this.hardware = hardware;
    }

    public Map<String, String> getExtraConfig() {
        return extraConfig;
    }

    public void setExtraConfig(Map<String, String> extraConfig) {
        this.extraConfig = extraConfig;
    }

    public Boolean getPowerOn() {
        return powerOn;
    }

    public void setPowerOn(Boolean powerOn) {
        this.powerOn = powerOn;
    }

    public GuestSpec getGuest() {
        return guest;
    }

    public void setGuest(GuestSpec guest) {
        this.guest = guest;
    }

    public IpDiscoverySpec getIpDiscovery() {
        return ipDiscovery;
    }

    public void setIpDiscovery(IpDiscoverySpec ipDiscovery) {
        this.ipDiscovery = ipDiscovery;
    }

    public String getTtl() {
        return ttl;
    }

    public void setTtl(String ttl) {
        this.ttl = ttl;
    }

    public String getVcenter() {
        return vcenter;
    }

    public void setVcenter(String vcenter) {
        this.vcenter = vcenter;
    }

    public String getPoolRef() {
        return poolRef;
    }

    public void setPoolRef(String poolRef) {
        this.poolRef = poolRef;
    }
}
