package dev.testvm.reconciler.steps;

import dev.testvm.api.CloudInitSpec;
import dev.testvm.api.SecretDataRef;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * {@code spec.cloudInit}: reads the user data (and metadata) Secrets and turns them into the
 * guestinfo keys cloud-init's VMware datasource reads ({@code guestinfo.userdata},
 * {@code guestinfo.metadata} and their {@code .encoding}). Values are base64, or gzip+base64 when
 * that is what makes them fit: the guest reads one guestinfo value through a 64 KiB channel, and
 * ESXi keeps a VM's guestinfo under 1 MiB in all ({@code tools.setInfo.sizeLimit}). Nothing read
 * here ever appears in a message.
 */
public final class CloudInitData {

    /** Largest guestinfo value a guest can read (open-vm-tools' GUESTMSG_MAX_IN_SIZE). */
    static final int MAX_VALUE_BYTES = 64 * 1024;
    /** Default of ESXi's tools.setInfo.sizeLimit: all guestinfo values of a VM together. */
    static final int MAX_TOTAL_BYTES = 1024 * 1024;

    private final KubernetesClient client;

    public CloudInitData(KubernetesClient client) {
        this.client = client;
    }

    /** The guestinfo entries for {@code testVM}; empty without {@code spec.cloudInit}. */
    Map<String, String> guestinfo(TestVM testVM, String vmName, Map<String, String> otherExtraConfig) {
        CloudInitSpec spec = testVM.getSpec().getCloudInit();
        Map<String, String> result = new LinkedHashMap<>();
        if (spec == null || spec.getUserDataSecretRef() == null) {
            return result;
        }
        byte[] userData = read(testVM, "spec.cloudInit.userDataSecretRef", spec.getUserDataSecretRef(), "user-data");
        byte[] metadata = spec.getMetadataSecretRef() != null
                ? read(testVM, "spec.cloudInit.metadataSecretRef", spec.getMetadataSecretRef(), "meta-data")
                : defaultMetadata(testVM, vmName);
        put(result, "guestinfo.userdata", "spec.cloudInit.userDataSecretRef", userData);
        put(result, "guestinfo.metadata", spec.getMetadataSecretRef() != null ? "spec.cloudInit.metadataSecretRef"
                : "spec.cloudInit (generated metadata)", metadata);
        long total = result.values().stream().mapToLong(String::length).sum()
                + otherExtraConfig.entrySet().stream().filter(e -> e.getKey().startsWith("guestinfo."))
                        .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().length()).sum();
        if (total > MAX_TOTAL_BYTES) {
            throw TestVMProblem.terminal(Reasons.CLOUD_INIT_TOO_LARGE, "spec.cloudInit: the VM's guestinfo values would take "
                    + total + " bytes; ESXi keeps at most " + MAX_TOTAL_BYTES + " (tools.setInfo.sizeLimit)");
        }
        return result;
    }

    /** instance-id changes with every clone, so cloud-init runs its per-instance modules in each. */
    static byte[] defaultMetadata(TestVM testVM, String vmName) {
        String hostname = hostname(testVM.getMetadata().getName());
        return ("instance-id: " + vmName + "\nlocal-hostname: " + hostname + "\nhostname: " + hostname + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A DNS label: the TestVM name is one already (lower case, digits, '-'), at most 63 characters. */
    static String hostname(String name) {
        String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        label = label.length() > 63 ? label.substring(0, 63) : label;
        return label.replaceAll("^-+|-+$", "");
    }

    private static void put(Map<String, String> result, String key, String field, byte[] data) {
        String plain = Base64.getEncoder().encodeToString(data);
        if (plain.length() <= MAX_VALUE_BYTES) {
            result.put(key, plain);
            result.put(key + ".encoding", "base64");
            return;
        }
        String zipped = Base64.getEncoder().encodeToString(gzip(data));
        if (zipped.length() > MAX_VALUE_BYTES) {
            throw TestVMProblem.terminal(Reasons.CLOUD_INIT_TOO_LARGE, field + ": " + data.length + " bytes are "
                    + zipped.length() + " after gzip+base64; a guest reads at most " + MAX_VALUE_BYTES
                    + " bytes of one guestinfo value");
        }
        result.put(key, zipped);
        result.put(key + ".encoding", "gzip+base64");
    }

    private byte[] read(TestVM testVM, String field, SecretDataRef ref, String defaultKey) {
        String namespace = testVM.getMetadata().getNamespace();
        String key = ref.getKey() == null || ref.getKey().isBlank() ? defaultKey : ref.getKey();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (secret == null) {
            throw TestVMProblem.retryable(Reasons.CLOUD_INIT_SECRET_NOT_FOUND,
                    field + ".name: Secret '" + ref.getName() + "' not found in namespace '" + namespace + "'", null);
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded != null) {
            return Base64.getDecoder().decode(encoded);
        }
        String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
        if (plain == null) {
            throw TestVMProblem.retryable(Reasons.CLOUD_INIT_SECRET_NOT_FOUND,
                    field + ".key: Secret '" + ref.getName() + "' has no key '" + key + "'", null);
        }
        return plain.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
