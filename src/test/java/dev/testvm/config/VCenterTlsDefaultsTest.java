package dev.testvm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.VCenterUnreachableException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS verification is on unless configured off: with only the required {@code testvm.vcenter.*}
 * keys set, the operator's configuration and the connection built from it (as {@link OperatorBeans}
 * builds it) refuse the simulator's self-signed certificate.
 */
class VCenterTlsDefaultsTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().shared();

    private static OperatorConfig config(Map<String, String> extra) {
        Simulator sim = SIM.simulator();
        Map<String, String> properties = new HashMap<>(Map.of(
                "testvm.vcenter.url", sim.url().toString(),
                "testvm.vcenter.username", sim.username(),
                "testvm.vcenter.password", sim.password(),
                "testvm.vcenter.datacenter", "DC0"));
        properties.putAll(extra);
        // Quarkus' own Duration syntax ("60s"), as the operator reads it.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(OperatorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(OperatorConfig.class);
    }

    @Test
    void verificationIsTheDefaultAndRefusesAnUntrustedCertificate() {
        OperatorConfig config = config(Map.of());
        assertThat(config.vcenter().insecure()).as("testvm.vcenter.insecure default").isFalse();
        assertThat(config.vcenter().thumbprint()).isEmpty();
        assertThat(config.vcenter().caBundle()).isEmpty();

        try (VCenterRegistry vcenters = new OperatorBeans().vcenter(config)) {
            VCenterConnection vcenter = vcenters.find(VCenterRegistry.ENVIRONMENT).orElseThrow();
            assertThatThrownBy(vcenter::get).isInstanceOf(VCenterUnreachableException.class)
                    .hasMessageContaining("PKIX");
        }
    }

    @Test
    void onlyAnExplicitInsecureTurnsVerificationOff() {
        OperatorConfig config = config(Map.of("testvm.vcenter.insecure", "true"));
        try (VCenterRegistry vcenters = new OperatorBeans().vcenter(config)) {
            VCenterConnection vcenter = vcenters.find(VCenterRegistry.ENVIRONMENT).orElseThrow();
            assertThat(vcenter.get().findByInventoryPath("DC0/vm/DC0_H0_VM0")).isPresent();
        }
    }
}
