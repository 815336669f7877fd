package dev.testvm.vcenters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.VCenterResource;
import dev.testvm.api.VCenterSpec;
import dev.testvm.api.VCenterTls;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VCenter's login from its spec and Secret, and which VCenter is the default. */
class VCenterLoginTest {

    private static final String PASSWORD = "login-test-pw-5772";

    @TempDir
    Path caDirectory;

    @Test
    void readsUserAndPasswordFromTheSecretsNamedKeys() throws Exception {
        VCenterLogin login = VCenterLogin.of("lab", spec(), Optional.of(secret("user", "lab-op", "pass", PASSWORD)), "ops", caDirectory);
        assertThat(login.settings().username()).isEqualTo("lab-op");
        assertThat(login.settings().password()).isEqualTo(PASSWORD);
        assertThat(login.settings().sha256Thumbprint()).isEqualTo("AB".repeat(32));
        assertThat(login.fingerprint()).doesNotContain(PASSWORD).hasSize(64);
    }

    @Test
    void aRotatedPasswordOrChangedTlsChangesTheFingerprintAndNothingElseDoes() throws Exception {
        String before = VCenterLogin.of("lab", spec(), Optional.of(secret("user", "lab-op", "pass", PASSWORD)), "ops", caDirectory)
                .fingerprint();
        assertThat(VCenterLogin.of("lab", spec(), Optional.of(secret("user", "lab-op", "pass", PASSWORD)), "ops", caDirectory)
                .fingerprint()).isEqualTo(before);
        assertThat(VCenterLogin.of("lab", spec(), Optional.of(secret("user", "lab-op", "pass", "rotated")), "ops", caDirectory)
                .fingerprint()).isNotEqualTo(before);
        VCenterSpec insecure = spec();
        insecure.getTls().setThumbprint(null);
        insecure.getTls().setInsecure(true);
        assertThat(VCenterLogin.of("lab", insecure, Optional.of(secret("user", "lab-op", "pass", PASSWORD)), "ops", caDirectory)
                .fingerprint()).isNotEqualTo(before);
    }

    @Test
    void aMissingSecretOrKeyIsNamedWithoutAnyValue() {
        assertThatThrownBy(() -> VCenterLogin.of("lab", spec(), Optional.empty(), "ops", caDirectory))
                .isInstanceOfSatisfying(SetupProblem.class, p -> {
                    assertThat(p.reason()).isEqualTo("CredentialsSecretMissing");
                    assertThat(p.getMessage()).contains("ops/lab-login");
                });
        assertThatThrownBy(() -> VCenterLogin.of("lab", spec(), Optional.of(secret("user", "lab-op", "pw", PASSWORD)), "ops",
                caDirectory)).isInstanceOfSatisfying(SetupProblem.class, p -> {
                    assertThat(p.reason()).isEqualTo("CredentialsSecretInvalid");
                    assertThat(p.getMessage()).contains("'pass'").doesNotContain(PASSWORD).doesNotContain("lab-op");
                });
    }

    @Test
    void anInlineCaBundleIsWrittenToAFileOfItsOwnContent() throws Exception {
        VCenterSpec spec = spec();
        spec.getTls().setThumbprint(null);
        spec.getTls().setCaBundle("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Path first = VCenterLogin.of("lab", spec, Optional.of(secret("user", "u", "pass", PASSWORD)), "ops", caDirectory)
                .settings().caBundle();
        assertThat(Files.readString(first)).isEqualTo(spec.getTls().getCaBundle());
        spec.getTls().setCaBundle("-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
        Path second = VCenterLogin.of("lab", spec, Optional.of(secret("user", "u", "pass", PASSWORD)), "ops", caDirectory)
                .settings().caBundle();
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void theDefaultIsTheFirstMarkedByNameAndNeverOneBeingDeleted() {
        VCenterResource b = resource("b", true);
        VCenterResource a = resource("a", true);
        VCenterResource c = resource("c", false);
        assertThat(DefaultVCenter.among(Stream.of(b, c, a))).contains("a");
        a.getMetadata().setDeletionTimestamp("2026-12-02T10:00:00Z");
        assertThat(DefaultVCenter.among(Stream.of(b, c, a))).contains("b");
        assertThat(DefaultVCenter.among(Stream.of(c))).isEmpty();
    }

    private static VCenterSpec spec() {
        VCenterSpec spec = new VCenterSpec();
        spec.setUrl("https://vc.example/sdk");
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName("lab-login");
        ref.setUsernameKey("user");
        ref.setPasswordKey("pass");
        spec.setCredentialsSecret(ref);
        VCenterTls tls = new VCenterTls();
        tls.setThumbprint("AB".repeat(32));
        spec.setTls(tls);
        spec.setDatacenter("DC0");
        return spec;
    }

    private static Secret secret(String userKey, String user, String passKey, String pass) {
        return new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName("lab-login").withNamespace("ops").build())
                .addToData(userKey, b64(user)).addToData(passKey, b64(pass)).build();
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static VCenterResource resource(String name, boolean isDefault) {
        VCenterResource vc = new VCenterResource();
        vc.setMetadata(new ObjectMetaBuilder().withName(name).build());
        VCenterSpec spec = spec();
        spec.setIsDefault(isDefault);
        vc.setSpec(spec);
        return vc;
    }
}
