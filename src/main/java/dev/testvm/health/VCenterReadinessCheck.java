package dev.testvm.health;

import dev.testvm.config.OperatorConfig;
import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import java.util.Optional;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while vCenter answers: connects on first use (as the reconciler does) and then makes one
 * cheap call (an inventory-path lookup of the configured datacenter), at most every
 * {@link #MIN_INTERVAL}; in between it repeats the last answer. Not a liveness check: a vCenter
 * outage must not restart the operator.
 *
 * <p>Checks the vCenter of the operator's environment only: VCenter resources report their own
 * health in their status (condition Connected), and one team's vCenter being down must not take
 * the operator, and so every other team's TestVMs, out of service. With no environment vCenter
 * configured the check is up.
 */
@Readiness
@ApplicationScoped
public class VCenterReadinessCheck implements HealthCheck {

    static final String NAME = "vCenter";
    static final Duration MIN_INTERVAL = Duration.ofSeconds(2);

    private final VCenterRegistry vcenters;
    private final String datacenter;
    private final String url;
    private final Clock clock;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile Instant checkedAt = Instant.EPOCH;
    private volatile HealthCheckResponse last;

    @Inject
    public VCenterReadinessCheck(VCenterRegistry vcenters, OperatorConfig config) {
        this(vcenters, config.vcenter().datacenter(), config.vcenter().url().toString(), Clock.systemUTC());
    }

    VCenterReadinessCheck(VCenterRegistry vcenters, String datacenter, String url, Clock clock) {
        this.vcenters = vcenters;
        this.datacenter = datacenter;
        this.url = url;
        this.clock = clock;
    }

    /**
     * Probes never queue up behind a slow vCenter (a call may take up to the request timeout):
     * while one check runs, others answer with the previous result.
     */
    @Override
    public HealthCheckResponse call() {
        if (!checking.tryLock()) {
            HealthCheckResponse previous = last;
            return previous != null ? previous
                    : HealthCheckResponse.named(NAME).down().withData("url", url).withData("reason", "first vCenter check still running").build();
        }
        try {
            return check();
        } finally {
            checking.unlock();
        }
    }

    private HealthCheckResponse check() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(MIN_INTERVAL))) {
            return last;
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("url", url);
        Optional<VCenterConnection> environment = vcenters.find(VCenterRegistry.ENVIRONMENT);
        try {
            if (environment.isPresent()) {
                environment.get().get().findByInventoryPath(datacenter);
            }
            response.up().withData("checkedAt", now.toString());
        } catch (RuntimeException e) {
            response.down().withData("reason", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .withData("checkedAt", now.toString());
        }
        last = response.build();
        checkedAt = now;
        return last;
    }
}
