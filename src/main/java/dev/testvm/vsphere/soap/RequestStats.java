package dev.testvm.vsphere.soap;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the SOAP requests a connection sent, by method: for metrics, tests and the benchmark. */
public final class RequestStats {

    private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();

    void increment(String method) {
        byMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
    }

    /** A sorted snapshot, method name to requests sent (including failed ones). */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        byMethod.forEach((method, n) -> copy.put(method, n.sum()));
        return copy;
    }

    public long count(String method) {
        LongAdder n = byMethod.get(method);
        return n == null ? 0 : n.sum();
    }

    public long total() {
        return byMethod.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
