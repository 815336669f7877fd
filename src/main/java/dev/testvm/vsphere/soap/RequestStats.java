package dev.testvm.vsphere.soap;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** Counts the SOAP requests a connection sent, by method: for metrics, tests and the benchmark. */
public final class RequestStats {

    /** Told the outcome of every request once it is known; must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param method the vim25 method (or {@code GET guestFile})
         * @param fault  {@code null} on success, else the vim25 fault type, or {@code Unreachable}
         *               when vCenter gave no SOAP answer
         */
        void completed(String method, String fault);
    }

    /** The {@code fault} reported for requests that got no SOAP answer at all. */
    public static final String UNREACHABLE = "Unreachable";

    private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void increment(String method) {
        byMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
    }

    /** Records a request made outside the SOAP client (guest file downloads from ESXi hosts). */
    public void record(String method, String fault) {
        increment(method);
        completed(method, fault);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    void completed(String method, String fault) {
        for (Listener listener : listeners) {
            try {
                listener.completed(method, fault);
            } catch (RuntimeException e) {
                // A metrics listener never changes what the caller sees.
            }
        }
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
