package dev.testvm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.TestVMPool;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PoolMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PoolMetrics metrics = new PoolMetrics(registry);

    @Test
    void poolVmsByStateFollowTheLastReconcileAndGoWithThePool() {
        TestVMPool pool = pool("warm");
        metrics.counted(pool, 2, 3, 1);
        metrics.counted(pool, 4, 1, 2);
        assertThat(gauge("ci/warm", "ready")).isEqualTo(4);
        assertThat(gauge("ci/warm", "starting")).isEqualTo(1);
        assertThat(gauge("ci/warm", "claimed")).isEqualTo(2);
        metrics.counted(pool("cold"), 1, 0, 0);

        metrics.removed("ci", "warm");
        assertThat(registry.find(PoolMetrics.VMS).tag("pool", "ci/warm").gauges()).isEmpty();
        assertThat(gauge("ci/cold", "ready")).isEqualTo(1);
    }

    @Test
    void refillDurationsAreRecordedPerPool() {
        metrics.refilled(pool("warm"), Duration.ofSeconds(23));
        metrics.refilled(pool("warm"), Duration.ofSeconds(25));
        var refill = registry.get(PoolMetrics.REFILL).tag("pool", "ci/warm").timer();
        assertThat(refill.count()).isEqualTo(2);
        assertThat(refill.totalTime(TimeUnit.SECONDS)).isEqualTo(48.0);
    }

    private double gauge(String pool, String state) {
        return registry.get(PoolMetrics.VMS).tags("pool", pool, "state", state).gauge().value();
    }

    private static TestVMPool pool(String name) {
        TestVMPool pool = new TestVMPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ci").build());
        return pool;
    }
}
