package dev.testvm.metrics;

import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.vsphere.soap.RequestStats;
import dev.testvm.vsphere.vim.VimVCenter;
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
 * sessions: 0 or 1), each tagged {@code vcenter} with the vCenter's name.
 */
@Singleton
public class VCenterMetrics {

    static final String REQUESTS = "testvm.vcenter.requests";
    static final String SESSIONS = "testvm.vcenter.sessions.open";

    void register(@Observes StartupEvent event, VCenterRegistry vcenters, MeterRegistry registry) {
        vcenters.addAddedListener(connection -> Gauge.builder(SESSIONS, connection, c -> c.isConnected() ? 1 : 0)
                .description("Open vCenter sessions of this operator")
                .tag("vcenter", connection.name())
                .register(registry));
        vcenters.addRemovedListener(connection -> unregister(registry, connection));
        vcenters.addConnectionListener((name, vcenter) -> {
            if (vcenter instanceof VimVCenter vim) {
                vim.requestStats().addListener(listener(registry, name));
            }
        });
    }

    /** Removes the gauges of a vCenter no longer served (its VCenter resource is gone). */
    public static void unregister(MeterRegistry registry, VCenterConnection connection) {
        registry.find(SESSIONS).tag("vcenter", connection.name()).meters().forEach(registry::remove);
    }

    static RequestStats.Listener listener(MeterRegistry registry, String vcenter) {
        return (method, fault) -> Counter.builder(REQUESTS)
                .description("vCenter SOAP requests by method and outcome")
                .tag("vcenter", vcenter)
                .tag("method", method)
                .tag("fault", fault == null ? "none" : fault)
                .register(registry)
                .increment();
    }
}
