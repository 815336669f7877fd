package dev.testvm.bench;

import dev.testvm.testsupport.OperatorJarProcess;
import dev.testvm.testsupport.Simulator;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one benchmark phase cost: the simulator's counters (reset at the start), the operator
 * process' peak RSS (reset at the start), CPU time and metrics (differences).
 */
final class Measurement {

    /** Metric names (Prometheus) reported per TestVM: java-operator-sdk's reconcile counters and timers, ours. */
    private static final String[] REPORTED = {"operator_sdk_", "testvm_vcenter_requests_total", "testvm_failures_total"};

    record Figures(Simulator.Stats stats, long peakRssKib, double cpuSeconds, double wallSeconds, Map<String, Double> metrics) {

        /** The reported metrics' increase divided by {@code n}, skipping those that did not move. */
        String metricsPer(int n) {
            StringBuilder out = new StringBuilder();
            metrics.forEach((name, value) -> {
                if (value != 0 && java.util.Arrays.stream(REPORTED).anyMatch(name::startsWith) && !name.endsWith("_max")) {
                    out.append(String.format(Locale.ROOT, "%s %.3f; ", name, value / n));
                }
            });
            return out.length() == 0 ? "(none found in /q/metrics)" : out.toString();
        }
    }

    private final Simulator simulator;
    private final OperatorJarProcess operator;
    private double cpuAtStart;
    private long startNanos;
    private Map<String, Double> metricsAtStart = new TreeMap<>();

    Measurement(Simulator simulator, OperatorJarProcess operator) {
        this.simulator = simulator;
        this.operator = operator;
    }

    void begin() throws IOException, InterruptedException {
        metricsAtStart = PrometheusText.sumsByName(operator.metrics());
        if (!operator.resetPeakRss()) {
            ScaleBenchmark.say("could not reset VmHWM (/proc/PID/clear_refs): peak RSS counts from the operator's start");
        }
        simulator.resetStats();
        cpuAtStart = operator.cpuSeconds();
        startNanos = System.nanoTime();
    }

    Figures end() throws IOException, InterruptedException {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double cpu = operator.cpuSeconds() - cpuAtStart;
        Simulator.Stats stats = simulator.stats();
        long rss = operator.peakRssKib();
        Map<String, Double> metrics = PrometheusText.delta(metricsAtStart, PrometheusText.sumsByName(operator.metrics()));
        return new Figures(stats, rss, cpu, wall, metrics);
    }
}
