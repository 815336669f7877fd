package dev.testvm.metrics;

import dev.testvm.reconciler.VCenterHolder;
import dev.testvm.vsphere.VimVCenter;
import dev.testvm.vsphere.soap.RequestStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * vCenter metrics from the SOAP client's request listener:
 * {@code testvm_vcenter_requests_total} (tags {@code method}, {@code fault} = none, a vim25 fault
 * type, or Unreachable) and {@code testvm_vcenter_sessions_open} (the operator's logged-in
 * sessions: 0 or 1).
 */
@Singleton
public class VCenterMetrics {

    static final String REQUESTS = "testvm.vcenter.requests";
    static final String SESSIONS = "testvm.vcenter.sessions.open";

    void register(@Observes StartupEvent event, VCenterHolder holder, MeterRegistry registry) {
        Gauge.builder(SESSIONS, holder, h -> h.isConnected() ? 1 : 0)
                .description("Open vCenter sessions of this operator")
                .register(registry);
        holder.addConnectionListener(vcenter -> {
            if (vcenter instanceof VimVCenter vim) {
                vim.requestStats().addListener(listener(registry));
            }
        });
    }

    static RequestStats.Listener listener(MeterRegistry registry) {
        return (method, fault) -> Counter.builder(REQUESTS)
                .description("vCenter SOAP requests by method and outcome")
                .tag("method", method)
                .tag("fault", fault == null ? "none" : fault)
                .register(registry)
                .increment();
    }
}
