package dev.testvm.vsphere.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.vim.VimVCenter;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ways to trust (or refuse) the simulator's self-signed certificate. */
class TlsTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    private static ConnectionSettings settings(URI url, Path caBundle, String thumbprint, boolean insecure) {
        Simulator sim = SIM.simulator();
        return new ConnectionSettings(url, sim.username(), sim.password(), caBundle, thumbprint, insecure, 4, Duration.ofSeconds(10));
    }

    private static void works(ConnectionSettings settings) {
        try (VCenter vc = VimVCenter.connect(settings)) {
            assertThat(vc.findByInventoryPath("DC0/vm/DC0_H0_VM0")).isPresent();
        }
    }

    @Test
    void pinnedThumbprintIsAccepted() {
        works(settings(SIM.simulator().url(), null, SIM.simulator().thumbprint(), false));
        // lower case without colons is the same pin
        works(settings(SIM.simulator().url(), null, SIM.simulator().thumbprint().replace(":", "").toLowerCase(), false));
    }

    @Test
    void thumbprintMismatchNamesExpectedAndActual() {
        String wrong = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
        assertThatThrownBy(() -> VimVCenter.connect(settings(SIM.simulator().url(), null, wrong, false)))
                .isInstanceOf(VCenterUnreachableException.class)
                .hasMessageContaining("server certificate SHA-256 thumbprint is " + SIM.simulator().thumbprint())
                .hasMessageContaining("the configured (pinned) thumbprint is " + wrong)
                // says what to do about it
                .hasMessageContaining("pin the new thumbprint (testvm.vcenter.thumbprint)");
    }

    @Test
    void defaultVerificationRejectsTheSelfSignedCertificate() {
        assertThatThrownBy(() -> VimVCenter.connect(settings(SIM.simulator().url(), null, null, false)))
                .isInstanceOf(VCenterUnreachableException.class)
                .hasMessageContaining("PKIX");
    }

    @Test
    void caBundleFromCertOutIsAcceptedWithHostnameVerification() throws Exception {
        Simulator sim = SIM.simulator();
        List<String> ipSans = ipSubjectAltNames(sim.certificate());
        if (ipSans.contains("127.0.0.1")) {
            works(settings(sim.url(), sim.certificate(), null, false));
        } else {
            // The certificate does not name 127.0.0.1: hostname verification must refuse it, even though the CA is trusted.
            assertThatThrownBy(() -> VimVCenter.connect(settings(sim.url(), sim.certificate(), null, false)))
                    .isInstanceOf(VCenterUnreachableException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void caBundleDoesNotDisableHostnameVerification() throws Exception {
        Simulator sim = SIM.simulator();
        // "localhost" resolves to the same server; the certificate must name it for the connection to be accepted.
        URI byName = URI.create(sim.url().toString().replace("127.0.0.1", "localhost"));
        List<String> dnsSans = dnsSubjectAltNames(sim.certificate());
        if (dnsSans.contains("localhost")) {
            works(settings(byName, sim.certificate(), null, false));
        } else {
            assertThatThrownBy(() -> VimVCenter.connect(settings(byName, sim.certificate(), null, false)))
                    .isInstanceOf(VCenterUnreachableException.class)
                    .hasMessageContaining("localhost");
        }
    }

    @Test
    void insecureAcceptsAnything() {
        works(settings(SIM.simulator().url(), null, null, true));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)));
        return (X509Certificate) certs.iterator().next();
    }

    private static List<String> ipSubjectAltNames(Path pem) throws Exception {
        return subjectAltNames(pem, 7);
    }

    private static List<String> dnsSubjectAltNames(Path pem) throws Exception {
        return subjectAltNames(pem, 2);
    }

    private static List<String> subjectAltNames(Path pem, int kind) throws Exception {
        Collection<List<?>> names = certificate(pem).getSubjectAlternativeNames();
        if (names == null) {
            return List.of();
        }
        return names.stream().filter(n -> ((Integer) n.get(0)) == kind).map(n -> String.valueOf(n.get(1))).toList();
    }
}
