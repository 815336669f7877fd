package dev.testvm.bench;

import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the TestVMs of one namespace through one informer (one watch on the API server, however
 * many TestVMs): when each was first seen Ready (phase Ready with {@code status.ip}) or Failed, and
 * when it was gone. Names are not reused within a run.
 */
final class TestVMTracker implements ResourceEventHandler<TestVM>, AutoCloseable {

    private final Map<String, CompletableFuture<TestVM>> ready = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> gone = new ConcurrentHashMap<>();
    private final Map<String, Long> readySeenAt = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final SharedIndexInformer<TestVM> informer;

    TestVMTracker(KubernetesClient client, String namespace) {
        informer = client.resources(TestVM.class).inNamespace(namespace).inform(this, 0);
    }

    /** Completes with the TestVM's first Ready version; fails fast never (callers time out). */
    CompletableFuture<TestVM> ready(String name) {
        return ready.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    /** Completes once the TestVM has been removed from the API server (its finalizer is done). */
    CompletableFuture<Void> gone(String name) {
        return gone.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    /** Epoch ms at which the informer delivered the TestVM as Ready, or null. */
    Long readySeenAt(String name) {
        return readySeenAt.get(name);
    }

    /** TestVMs seen in phase Failed, with their Failed condition's reason and message. */
    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** What the informer holds now. */
    List<TestVM> current() {
        return informer.getStore().list();
    }

    @Override
    public void onAdd(TestVM testVM) {
        observe(testVM);
    }

    @Override
    public void onUpdate(TestVM oldTestVM, TestVM testVM) {
        observe(testVM);
    }

    @Override
    public void onDelete(TestVM testVM, boolean deletedFinalStateUnknown) {
        gone(testVM.getMetadata().getName()).complete(null);
    }

    private void observe(TestVM testVM) {
        var status = testVM.getStatus();
        if (status == null) {
            return;
        }
        String name = testVM.getMetadata().getName();
        if (status.getPhase() == Phase.Ready && status.getIp() != null) {
            readySeenAt.putIfAbsent(name, System.currentTimeMillis());
            ready(name).complete(testVM);
        } else if (status.getPhase() == Phase.Failed) {
            String why = status.getConditions().stream().filter(c -> "Failed".equals(c.getType())).findFirst()
                    .map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Failed condition");
            failures.putIfAbsent(name, why);
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
