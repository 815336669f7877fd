package dev.testvm.config;

import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.sweeper.OrphanSweeper;
import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs one {@link OrphanSweeper} per vCenter served every {@code testvm.sweeper.interval} on its
 * own thread, on the leader only: with leader election on, a replica sweeps while it holds the
 * Lease; without it (tests, dev mode, a single replica run by hand) the one operator sweeps. A
 * vCenter that cannot be reached skips its sweep; the others sweep as usual.
 */
@ApplicationScoped
public class OrphanSweeperSchedule {

    private static final Logger LOG = Logger.getLogger(OrphanSweeperSchedule.class);

    @Inject
    OperatorConfig config;
    @Inject
    VCenterRegistry vcenters;
    @Inject
    KubernetesClient client;
    @Inject
    MeterRegistry registry;
    @Inject
    Leadership leadership;
    @Inject
    Operator operator;

    private ScheduledExecutorService executor;
    private final Map<String, OrphanSweeper> sweepers = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        OperatorConfig.Sweeper settings = config.sweeper();
        if (!settings.enabled()) {
            LOG.info("orphan sweeper is off (testvm.sweeper.enabled=false)");
            return;
        }
        requirePositive("testvm.sweeper.interval", settings.interval());
        requirePositive("testvm.sweeper.task-timeout", settings.taskTimeout());
        if (settings.gracePeriod().isNegative()) {
            throw new IllegalArgumentException("testvm.sweeper.grace-period must not be negative, got " + settings.gracePeriod());
        }
        var clusterId = ClusterIdentity.of(config.clusterId(), client);
        vcenters.addAddedListener(connection -> sweepers.put(connection.name(), new OrphanSweeper(connection.name(), connection::get,
                OrphanSweeper.allTestVMs(client), clusterId, connection.defaultDatacenter(),
                settings.gracePeriod(), settings.taskTimeout(), Clock.systemUTC(), registry)));
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "testvm-orphan-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::sweepIfLeader, every, every, TimeUnit.MILLISECONDS);
        LOG.infof("orphan sweeper: every %s, grace period %s", settings.interval(), settings.gracePeriod());
    }

    private void sweepIfLeader() {
        boolean leader = isLeader();
        for (VCenterConnection connection : vcenters.all()) {
            OrphanSweeper sweeper = sweepers.get(connection.name());
            if (sweeper == null) {
                continue;
            }
            if (!leader) {
                sweeper.forget();
                continue;
            }
            sweep(connection.name(), sweeper);
        }
        sweepers.keySet().removeIf(name -> vcenters.find(name).isEmpty());
    }

    private static void sweep(String vcenter, OrphanSweeper sweeper) {
        try {
            OrphanSweeper.Sweep sweep = sweeper.sweep();
            LOG.debugf("orphan sweep of %s: %d VMs carry our key, %d orphaned, destroyed %s",
                    vcenter, sweep.keyed(), sweep.orphans(), sweep.destroyed());
        } catch (RuntimeException e) {
            // vCenter or the API server unreachable: nothing was destroyed; the next sweep tries again.
            LOG.warnf("orphan sweep of %s skipped: %s", vcenter, e.getMessage());
        }
    }

    private boolean isLeader() {
        boolean electionOn = operator.getConfigurationService().getLeaderElectionConfiguration().isPresent();
        return !electionOn || leadership.isLeading();
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
