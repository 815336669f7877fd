package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * cloud-init data for the guest, handed over the way cloud-init's VMware datasource reads it:
 * as guestinfo.userdata / guestinfo.metadata in the VM's extraConfig (with their .encoding keys).
 */
public class CloudInitSpec {

    @Required
    @JsonPropertyDescription("Secret key (default key: user-data) holding the cloud-init user data, e.g. a #cloud-config document.")
    private SecretDataRef userDataSecretRef;

    @JsonPropertyDescription("Secret key (default key: meta-data) holding cloud-init metadata (YAML or JSON); default: instance-id from the VM name and local-hostname from the TestVM's name.")
    private SecretDataRef metadataSecretRef;

    public SecretDataRef getUserDataSecretRef() {
        return userDataSecretRef;
    }

    public void setUserDataSecretRef(SecretDataRef userDataSecretRef) {
        this.userDataSecretRef = userDataSecretRef;
    }

    public SecretDataRef getMetadataSecretRef() {
        return metadataSecretRef;
    }

    public void setMetadataSecretRef(SecretDataRef metadataSecretRef) {
        this.metadataSecretRef = metadataSecretRef;
    }
}
