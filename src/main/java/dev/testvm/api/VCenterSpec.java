package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** How to reach one vCenter, and the rules TestVMs using it must keep. */
public class VCenterSpec {

    @Required
    @Pattern("^https?://[^\\s]+$")
    @Size(max = 2048)
    @JsonPropertyDescription("The SDK endpoint, e.g. https://vcenter.example.com/sdk.")
    private String url;

    @Required
    @JsonPropertyDescription("Secret in the operator's namespace holding the vCenter user and password. "
            + "Rotating its content logs the operator in anew, without a restart.")
    private SecretKeyRef credentialsSecret;

    private VCenterTls tls;

    @Required
    @Size(min = 1, max = 214)
    @JsonPropertyDescription("Datacenter of TestVMs that name none in spec.placement.datacenter.")
    private String datacenter;

    @Default("8")
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Bound on clone / power / destroy tasks the operator keeps in flight in this vCenter.")
    private Integer maxConcurrentTasks = 8;

    @JsonProperty("default")
    @JsonPropertyDescription("TestVMs without spec.vcenter use this VCenter. At most one VCenter should be default; "
            + "with several, the first by name wins and the others say so in their status.")
    private Boolean isDefault;

    @JsonPropertyDescription("Namespaces whose TestVMs may use this vCenter. Unset: none.")
    private AllowedNamespaces allowedNamespaces;

    @JsonPropertyDescription("What TestVMs may clone. Unset: any VM or template, but no instant clones.")
    private AllowedSources allowedSources;

    @JsonPropertyDescription("Where clones may go. A list left unset means the TestVM may not choose that part "
            + "of its placement: the clone goes where the source is.")
    private AllowedPlacements allowedPlacements;

    @Min(1)
    @JsonPropertyDescription("At most this many TestVMs per namespace in this vCenter. Unset: no limit.")
    private Integer maxTestVMsPerNamespace;

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public SecretKeyRef getCredentialsSecret() {
        return credentialsSecret;
    }

    public void setCredentialsSecret(SecretKeyRef credentialsSecret) {
        this.credentialsSecret = credentialsSecret;
    }

    public VCenterTls getTls() {
        return tls;
    }

    public void setTls(VCenterTls tls) {
        this.tls = tls;
    }

    public String getDatacenter() {
        return datacenter;
    }

    public void setDatacenter(String datacenter) {
        this.datacenter = datacenter;
    }

    public Integer getMaxConcurrentTasks() {
        return maxConcurrentTasks;
    }

    public void setMaxConcurrentTasks(Integer maxConcurrentTasks) {
        this.maxConcurrentTasks = maxConcurrentTasks;
    }

    public Boolean getIsDefault() {
        return isDefault;
    }

    public void setIsDefault(Boolean isDefault) {
        this.isDefault = isDefault;
    }

    public AllowedNamespaces getAllowedNamespaces() {
        return allowedNamespaces;
    }

    public void setAllowedNamespaces(AllowedNamespaces allowedNamespaces) {
        this.allowedNamespaces = allowedNamespaces;
    }

    public AllowedSources getAllowedSources() {
        return allowedSources;
    }

    public void setAllowedSources(AllowedSources allowedSources) {
        this.allowedSources = allowedSources;
    }

    public AllowedPlacements getAllowedPlacements() {
        return allowedPlacements;
    }

    public void setAllowedPlacements(AllowedPlacements allowedPlacements) {
        this.allowedPlacements = allowedPlacements;
    }

    public Integer getMaxTestVMsPerNamespace() {
        return maxTestVMsPerNamespace;
    }

    public void setMaxTestVMsPerNamespace(Integer maxTestVMsPerNamespace) {
        this.maxTestVMsPerNamespace = maxTestVMsPerNamespace;
    }
}
