package dev.testvm.testsupport;

import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Every version of every TestVM in a namespace, as a watch on the API server delivers them, with
 * the wall-clock time it arrived. Polling can miss a state that lasts a few hundred
 * milliseconds; the watch sees each status write.
 */
public final class StatusRecorder implements AutoCloseable {

    /** One observed version and when the watch delivered it (epoch ms). */
    public record Seen(long atMillis, TestVM testVM) {}

    private final Map<String, List<Seen>> byName = new ConcurrentHashMap<>();
    private final Watch watch;

    public StatusRecorder(KubernetesClient client, String namespace) {
        this.watch = client.resources(TestVM.class).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, TestVM resource) {
                if (action == Action.ERROR || resource == null) {
                    return;
                }
                long now = System.currentTimeMillis();
                byName.computeIfAbsent(resource.getMetadata().getName(), n -> new CopyOnWriteArrayList<>())
                        .add(new Seen(now, resource));
            }

            @Override
            public void onClose(WatcherException cause) {
                // the test ends or the API server went away: nothing more to record
            }
        });
    }

    public List<Seen> seen(String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    public List<TestVM> versions(String name) {
        return seen(name).stream().map(Seen::testVM).toList();
    }

    /** The first version of {@code name} that matched, and when it arrived. */
    public Optional<Seen> first(String name, Predicate<TestVM> condition) {
        return seen(name).stream().filter(s -> condition.test(s.testVM())).findFirst();
    }

    public boolean anyMatch(String name, Predicate<TestVM> condition) {
        return first(name, condition).isPresent();
    }

    public void clear() {
        byName.clear();
    }

    @Override
    public void close() {
        watch.close();
    }
}
