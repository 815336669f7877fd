package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** How the operator verifies the vCenter's certificate; verified against the JDK's CAs when unset. */
@ValidationRule(value = "!(has(self.insecure) && self.insecure) || (!has(self.thumbprint) && !has(self.caBundle))",
        message = "spec.tls.insecure turns verification off: it cannot be combined with caBundle or thumbprint")
public class VCenterTls {

    @JsonPropertyDescription("PEM CA certificates trusted in addition to the JDK's.")
    private String caBundle;

    @Pattern("^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$")
    @JsonPropertyDescription("SHA-256 thumbprint of the vCenter certificate to pin (AA:BB:... or 64 hex digits).")
    private String thumbprint;

    @JsonPropertyDescription("Turn verification off. Only for labs.")
    private Boolean insecure;

    public String getCaBundle() {
        return caBundle;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    public String getThumbprint() {
        return thumbprint;
    }

    public void setThumbprint(String thumbprint) {
        this.thumbprint = thumbprint;
    }

    public Boolean getInsecure() {
        return insecure;
    }

    public void setInsecure(Boolean insecure) {
        this.insecure = insecure;
    }
}
