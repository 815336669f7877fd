package dev.testvm.reconciler.steps;

import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.GuestCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads guest credentials from the Secret a TestVM references. A plain GET (no cluster-wide
 * Secret informer) keeps the operator's RBAC at {@code get secrets}; a TestVM waiting on a
 * missing or broken Secret re-reads it on its backoff, so fixing the Secret is enough.
 */
public class GuestCredentialsReader {

    /** Credentials and the Secret's resourceVersion, so rejected credentials are retried only after a change. */
    record Loaded(GuestCredentials credentials, String version, String secretName) {}

    private final KubernetesClient client;

    public GuestCredentialsReader(KubernetesClient client) {
        this.client = client;
    }

    /** Null when the TestVM references no Secret. */
    Loaded read(TestVM testVM) {
        var guest = testVM.getSpec().getGuest();
        if (guest == null || guest.getCredentialsSecretRef() == null) {
            return null;
        }
        SecretKeyRef ref = guest.getCredentialsSecretRef();
        String namespace = testVM.getMetadata().getNamespace();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (secret == null) {
            throw TestVMProblem.retryable(Reasons.SECRET_NOT_FOUND,
                    "spec.guest.credentialsSecretRef.name: Secret '" + ref.getName() + "' not found in namespace '" + namespace + "'", null);
        }
        String usernameKey = ref.getUsernameKey() == null ? "username" : ref.getUsernameKey();
        String passwordKey = ref.getPasswordKey() == null ? "password" : ref.getPasswordKey();
        String username = value(secret, usernameKey);
        String password = value(secret, passwordKey);
        if (username == null) {
            throw missingKey(ref, namespace, "usernameKey", usernameKey);
        }
        if (password == null) {
            throw missingKey(ref, namespace, "passwordKey", passwordKey);
        }
        return new Loaded(new GuestCredentials(username, password), secret.getMetadata().getResourceVersion(), ref.getName());
    }

    private static TestVMProblem missingKey(SecretKeyRef ref, String namespace, String field, String key) {
        return TestVMProblem.retryable(Reasons.SECRET_KEY_MISSING, "spec.guest.credentialsSecretRef." + field + ": Secret '"
                + ref.getName() + "' in namespace '" + namespace + "' has no key '" + key + "'", null);
    }

    private static String value(Secret secret, String key) {
        Map<String, String> stringData = secret.getStringData();
        if (stringData != null && stringData.containsKey(key)) {
            return stringData.get(key);
        }
        Map<String, String> data = secret.getData();
        if (data == null || !data.containsKey(key)) {
            return null;
        }
        return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
}
