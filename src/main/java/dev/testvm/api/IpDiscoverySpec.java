package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

public class IpDiscoverySpec {

    @Default("auto")
    @JsonPropertyDescription("auto races guest operations and Tools when guest credentials are set, else uses Tools.")
    private IpDiscoveryStrategy strategy = IpDiscoveryStrategy.auto;

    @Pattern(Durations.XML_TEXT)
    @Size(max = 4096)
    @JsonPropertyDescription("Replaces the per-OS default command run in the guest; the first IP it prints wins.")
    private String command;

    @JsonPropertyDescription("Only addresses of the VM's NICs on this vSphere network (name, or path below the datacenter's network folder); it must exist and one of the VM's NICs must be on it.")
    private String network;

    @Min(0)
    @Max(9)
    @JsonPropertyDescription("Only addresses of the VM's NIC at this position among its network adapters (0 = the first).")
    private Integer nicIndex;

    @Size(max = 16)
    @ValidationRule(value = "self.all(c, isCIDR(c))", message = "spec.ipDiscovery.cidrs entries must be CIDRs such as 10.0.0.0/8 or fd00::/8")
    @JsonPropertyDescription("Only addresses inside one of these ranges (default: any).")
    private List<String> cidrs;

    @Size(max = 16)
    @ValidationRule(value = "self.all(c, isCIDR(c))", message = "spec.ipDiscovery.excludeCidrs entries must be CIDRs such as 172.17.0.0/16")
    @JsonPropertyDescription("Never addresses inside these ranges; wins over cidrs.")
    private List<String> excludeCidrs;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("The address must stay the same this long before the TestVM is Ready, for guests whose address changes shortly after boot; default: none.")
    private String settle;

    @Default("IPv4")
    private IpFamily family = IpFamily.IPv4;

    @Default("10m")
    @Pattern(Durations.PATTERN)
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('10s') && duration(self) <= duration('24h')",
            message = "spec.ipDiscovery.timeout must be between 10s and 24h")
    @JsonPropertyDescription("Give up (Failed, reason IPDiscoveryTimeout) when no IP was found this long after power-on.")
    private String timeout = "10m";

    public IpDiscoveryStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(IpDiscoveryStrategy strategy) {
        this.strategy = strategy;
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }

    public String getNetwork() {
        return network;
    }

    public void setNetwork(String network) {
        this.network = network;
    }

    public Integer getNicIndex() {
        return nicIndex;
    }

    public void setNicIndex(Integer nicIndex) {
        this.nicIndex = nicIndex;
    }

    public List<String> getCidrs() {
        return cidrs;
    }

    public void setCidrs(List<String> cidrs) {
        this.cidrs = cidrs;
    }

    public List<String> getExcludeCidrs() {
        return excludeCidrs;
    }

    public void setExcludeCidrs(List<String> excludeCidrs) {
        this.excludeCidrs = excludeCidrs;
    }

    public String getSettle() {
        return settle;
    }

    public void setSettle(String settle) {
        this.settle = settle;
    }

    public IpFamily getFamily() {
        return family;
    }

    public void setFamily(IpFamily family) {
        this.family = family;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }
}
