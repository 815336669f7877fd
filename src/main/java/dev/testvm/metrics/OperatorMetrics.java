package dev.testvm.metrics;

import dev.testvm.reconciler.connection.VCenterLabels;
import dev.testvm.reconciler.status.TestVMObserver;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.Timings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Micrometer metrics of TestVMs, exported by Quarkus at {@code /q/metrics}, and one log line per
 * phase change (category {@code dev.testvm.phase}).
 *
 * <ul>
 *   <li>{@code testvm_phase_duration_seconds} (histogram; tags {@code phase} = clone, powerOn,
 *       tools, ip, total; {@code clone_type}; {@code ip_source}; {@code vcenter}): recorded once, when
 *       a TestVM becomes Ready, from {@code status.timings}</li>
 *   <li>{@code testvm_failures_total} (tags {@code reason}, {@code kind} = terminal, retryable;
 *       {@code vcenter})</li>
 * </ul>
 * The {@code vcenter} tag is the TestVM's pinned {@code status.vcenter} ({@code (environment)} for
 * the environment's vCenter, {@code none} before a TestVM is pinned or when it was refused), as
 * {@code testvm_vcenter_requests_total} names vCenters.
 * <ul>
 *   <li>{@code testvm_testvms} (gauge; tag {@code phase}): TestVMs this operator has seen, by phase</li>
 *   <li>{@code testvm_pool_claims_total} (tags {@code pool}, {@code outcome} = Claimed (a pool VM) or
 *       Cloned (the pool was empty)): TestVMs with spec.poolRef, counted once each</li>
 *   <li>{@code testvm_pool_claim_duration_seconds} (histogram; tag {@code pool}): creation to Ready of
 *       TestVMs served from a pool</li>
 * </ul>
 */
@Singleton
public class OperatorMetrics implements TestVMObserver {

    static final String PHASE_DURATION = "testvm.phase.duration";
    static final String FAILURES = "testvm.failures";
    static final String BY_PHASE = "testvm.testvms";
    static final String POOL_CLAIMS = "testvm.pool.claims";
    static final String POOL_CLAIM_DURATION = "testvm.pool.claim.duration";

    private static final Logger PHASE_LOG = Logger.getLogger("dev.testvm.phase");

    private final MeterRegistry registry;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    /**
     * UIDs whose claim outcome is counted. The handover is idempotent and reruns when its status
     * write did not land (a conflict, a stopping leader); each rerun reports the claim again.
     */
    private final Set<String> claimsCounted = ConcurrentHashMap.newKeySet();

    @Inject
    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Phase phase : Phase.values()) {
            Gauge.builder(BY_PHASE, phases, m -> m.values().stream().filter(p -> p == phase).count())
                    .description("TestVMs by phase")
                    .tag("phase", phase.name())
                    .register(registry);
        }
    }

    @Override
    public void reconciled(TestVM testVM, Phase before) {
        TestVMStatus status = testVM.getStatus();
        Phase after = status == null ? null : status.getPhase();
        if (after == null) {
            return;
        }
        phases.put(testVM.getMetadata().getUid(), after);
        if (Objects.equals(before, after)) {
            return;
        }
        logChange(testVM, before, after);
        if (after == Phase.Ready) {
            recordTimings(status, VCenterLabels.metricTag(testVM));
        }
    }

    @Override
    public void problem(TestVM testVM, String reason, boolean terminal) {
        Counter.builder(FAILURES)
                .description("Problems reported in TestVM status, by reason; retryable ones count every attempt")
                .tag("reason", reason == null ? "unknown" : reason)
                .tag("kind", terminal ? "terminal" : "retryable")
                .tag("vcenter", VCenterLabels.metricTag(testVM))
                .register(registry)
                .increment();
    }

    @Override
    public void claimed(TestVM testVM, String pool, String outcome, Duration latency) {
        if (!claimsCounted.add(testVM.getMetadata().getUid())) {
            return;
        }
        String tag = testVM.getMetadata().getNamespace() + "/" + pool;
        Counter.builder(POOL_CLAIMS)
                .description("TestVMs with spec.poolRef: served from the pool (Claimed) or cloned because it was empty (Cloned)")
                .tag("pool", tag)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        if (latency != null) {
            Timer.builder(POOL_CLAIM_DURATION)
                    .description("Creation to Ready of TestVMs served from a pool")
                    .tag("pool", tag)
                    .publishPercentileHistogram()
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry)
                    .record(latency);
        }
    }

    @Override
    public void deleted(TestVM testVM) {
        phases.remove(testVM.getMetadata().getUid());
        claimsCounted.remove(testVM.getMetadata().getUid());
    }

    private void recordTimings(TestVMStatus status, String vcenter) {
        Timings t = status.getTimings();
        if (t == null) {
            return;
        }
        String cloneType = status.getEffectiveCloneType() == null ? "unknown" : status.getEffectiveCloneType();
        String ipSource = status.getIpSource() == null ? "unknown" : status.getIpSource();
        Tags tags = Tags.of("clone_type", cloneType, "ip_source", ipSource, "vcenter", vcenter);
        record("clone", t.getCloneSeconds(), tags);
        record("powerOn", t.getPowerOnSeconds(), tags);
        record("tools", t.getToolsSeconds(), tags);
        record("ip", t.getIpSeconds(), tags);
        record("total", t.getTotalSeconds(), tags);
    }

    private void record(String phase, Double seconds, Tags tags) {
        if (seconds == null || seconds < 0) {
            return;
        }
        Timer.builder(PHASE_DURATION)
                .description("Phase durations of TestVMs that became Ready (status.timings)")
                .tag("phase", phase)
                .tags(tags)
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.9, 0.99)
                .minimumExpectedValue(Duration.ofMillis(50))
                .maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry)
                .record(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    private static void logChange(TestVM testVM, Phase before, Phase after) {
        TestVMStatus status = testVM.getStatus();
        String vm = status.getVm() == null || status.getVm().getName() == null ? "-" : status.getVm().getName();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s/%s phase %s -> %s vm=%s",
                testVM.getMetadata().getNamespace(), testVM.getMetadata().getName(), before == null ? "-" : before, after, vm));
        Timings t = status.getTimings();
        if (t != null) {
            append(line, "clone", t.getCloneSeconds());
            append(line, "powerOn", t.getPowerOnSeconds());
            append(line, "tools", t.getToolsSeconds());
            append(line, "ip", t.getIpSeconds());
            append(line, "total", t.getTotalSeconds());
        }
        if (status.getIp() != null) {
            line.append(" ip=").append(status.getIp()).append(" source=").append(status.getIpSource());
        }
        PHASE_LOG.info(line);
    }

    private static void append(StringBuilder line, String name, Double seconds) {
        if (seconds != null) {
            line.append(String.format(Locale.ROOT, " %sSeconds=%.3f", name, seconds));
        }
    }
}
