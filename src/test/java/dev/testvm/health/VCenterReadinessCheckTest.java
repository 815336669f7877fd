package dev.testvm.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class VCenterReadinessCheckTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void unreachableVCenterIsDownWithTheReasonAndChecksAreNotRepeatedWithinTheInterval() {
        AtomicInteger attempts = new AtomicInteger();
        VCenterRegistry holder = VCenterRegistry.of("DC0", () -> {
            attempts.incrementAndGet();
            throw new VCenterUnreachableException("cannot reach vCenter at https://vc/sdk: connection refused", null);
        });
        VCenterReadinessCheck check = new VCenterReadinessCheck(holder, "DC0", "https://vc/sdk", clock);

        HealthCheckResponse down = check.call();
        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData().orElseThrow().get("reason").toString()).contains("connection refused");

        now = now.plus(Duration.ofSeconds(1));
        assertThat(check.call()).isSameAs(down);
        assertThat(attempts).hasValue(1);

        now = now.plus(VCenterReadinessCheck.MIN_INTERVAL);
        check.call();
        assertThat(attempts).hasValue(2);
    }

    @Test
    void connectedVCenterIsUp() {
        VCenter vcenter = (VCenter) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {VCenter.class},
                (proxy, method, args) -> method.getName().equals("findByInventoryPath") ? java.util.Optional.empty() : null);
        VCenterReadinessCheck check = new VCenterReadinessCheck(VCenterRegistry.of("DC0", () -> vcenter), "DC0", "https://vc/sdk", clock);
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
