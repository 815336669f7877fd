package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

public class GuestSpec {

    @Default("auto")
    @JsonPropertyDescription("auto (from VMware Tools' guest family, else the VM's guestId), linux or windows.")
    private GuestOsSpec os = GuestOsSpec.auto;

    @JsonPropertyDescription("Secret in the TestVM's namespace with the guest OS login, for guest operations.")
    private SecretKeyRef credentialsSecretRef;

    public GuestOsSpec getOs() {
        return os;
    }

    public void setOs(GuestOsSpec os) {
        this.os = os;
    }

    public SecretKeyRef getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(SecretKeyRef credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }
}
