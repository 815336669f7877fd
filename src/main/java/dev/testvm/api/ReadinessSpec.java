package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * When the guest counts as ready once it has its IP: every check given must pass (in the same
 * round, {@code successThreshold} rounds in a row). Without any check, Ready follows the IP.
 */
public class ReadinessSpec {

    @Size(min = 1, max = 4096)
    @JsonPropertyDescription("A command run in the guest through guest operations (needs spec.guest.credentialsSecretRef) that must exit 0, e.g. 'systemctl is-active ssh' or 'sc query sshd | findstr RUNNING'; retried with backoff.")
    private String command;

    @Pattern("^guestinfo\\.[A-Za-z0-9._-]+$")
    @JsonPropertyDescription("A guestinfo key the guest sets (vmware-rpctool \"info-set guestinfo.ready true\"), read from the VM's extraConfig.")
    private String guestInfoKey;

    @Size(max = 256)
    @JsonPropertyDescription("The value guestInfoKey must have; default: any non-empty value.")
    private String guestInfoValue;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("A TCP port on status.ip that must accept a connection from the operator, e.g. 22 or 5986.")
    private Integer tcpPort;

    @Default("1")
    @Min(1)
    @Max(10)
    @JsonPropertyDescription("Rounds in a row in which every check must pass, for services that come up, fall over and restart.")
    private Integer successThreshold = 1;

    @Default("10m")
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Give up (Failed, reason GuestReadinessTimeout) when the checks have not passed this long after the IP was found.")
    private String timeout = "10m";

    public boolean hasChecks() {
        return command != null || guestInfoKey != null || tcpPort != null;
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }

    public String getGuestInfoKey() {
        return guestInfoKey;
    }

    public void setGuestInfoKey(String guestInfoKey) {
        this.guestInfoKey = guestInfoKey;
    }

    public String getGuestInfoValue() {
        return guestInfoValue;
    }

    public void setGuestInfoValue(String guestInfoValue) {
        this.guestInfoValue = guestInfoValue;
    }

    public Integer getTcpPort() {
        return tcpPort;
    }

    public void setTcpPort(Integer tcpPort) {
        this.tcpPort = tcpPort;
    }

    public Integer getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(Integer successThreshold) {
        this.successThreshold = successThreshold;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }
}
