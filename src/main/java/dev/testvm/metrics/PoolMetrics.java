package dev.testvm.metrics;

import dev.testvm.api.TestVMPool;
import dev.testvm.pool.PoolObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics of warm pools (claims are counted by {@link OperatorMetrics}):
 * <ul>
 *   <li>{@code testvm_pool_vms} (gauge; tags {@code pool} = namespace/name, {@code state} = ready,
 *       starting, claimed): as of the pool's last reconcile</li>
 *   <li>{@code testvm_pool_refill_duration_seconds} (histogram; tag {@code pool}): a pool VM's
 *       creation to Ready</li>
 * </ul>
 */
@Singleton
public class PoolMetrics implements PoolObserver {

    static final String VMS = "testvm.pool.vms";
    static final String REFILL = "testvm.pool.refill.duration";
    private static final String[] STATES = {"ready", "starting", "claimed"};

    private final MeterRegistry registry;
    /** "namespace/name" → counts by state, in STATES order. */
    private final Map<String, AtomicInteger[]> counts = new ConcurrentHashMap<>();

    @Inject
    public PoolMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void counted(TestVMPool pool, int ready, int starting, int claimed) {
        AtomicInteger[] gauges = counts.computeIfAbsent(key(pool.getMetadata().getNamespace(), pool.getMetadata().getName()), this::register);
        gauges[0].set(ready);
        gauges[1].set(starting);
        gauges[2].set(claimed);
    }

    @Override
    public void refilled(TestVMPool pool, Duration took) {
        Timer.builder(REFILL)
                .description("Pool VMs: creation of the pool's TestVM to Ready")
                .tag("pool", key(pool.getMetadata().getNamespace(), pool.getMetadata().getName()))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry)
                .record(took);
    }

    @Override
    public void removed(String namespace, String name) {
        String pool = key(namespace, name);
        if (counts.remove(pool) != null) {
            for (String state : STATES) {
                registry.find(VMS).tag("pool", pool).tag("state", state).meters().forEach(registry::remove);
            }
        }
    }

    private AtomicInteger[] register(String pool) {
        AtomicInteger[] gauges = new AtomicInteger[STATES.length];
        for (int i = 0; i < STATES.length; i++) {
            gauges[i] = new AtomicInteger();
            Gauge.builder(VMS, gauges[i], AtomicInteger::get)
                    .description("Pool VMs by state")
                    .tag("pool", pool)
                    .tag("state", STATES[i])
                    .register(registry);
        }
        return gauges;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
