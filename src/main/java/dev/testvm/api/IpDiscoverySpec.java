package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class IpDiscoverySpec {

    @Default("auto")
    @JsonPropertyDescription("auto races guest operations and Tools when guest credentials are set, else uses Tools.")
    private IpDiscoveryStrategy strategy = IpDiscoveryStrategy.auto;

    @Pattern(Durations.XML_TEXT)
    @Size(max = 4096)
    @JsonPropertyDescription("Replaces the per-OS default command run in the guest; the first IP it prints wins.")
    private String command;

    @JsonPropertyDescription("Only addresses of NICs on this vSphere network.")
    private String network;

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
