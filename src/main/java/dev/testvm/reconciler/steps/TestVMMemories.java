package dev.testvm.reconciler.steps;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The one home of per-TestVM memory, keyed by UID, with one {@link #forget}. State that lives in
 * another package or on another object because of what it serves (discovery's attempts in flight,
 * a vCenter's task line, the event routing table) hangs off it: its owner registers how to forget
 * a TestVM with {@link #alsoForget}, so deleting a TestVM forgets it everywhere at once.
 */
public final class TestVMMemories {

    private final Map<String, TestVMMemory> byUid = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, ResourceID>> alsoForget = new CopyOnWriteArrayList<>();

    /** The TestVM's memory, made on first use. */
    public TestVMMemory of(String uid, ResourceID id) {
        return byUid.computeIfAbsent(uid, u -> new TestVMMemory(u, id));
    }

    public Optional<TestVMMemory> find(String uid) {
        return Optional.ofNullable(byUid.get(uid));
    }

    /** How many TestVMs this process remembers (one per live TestVM it has reconciled). */
    public int size() {
        return byUid.size();
    }

    /** Also run {@code forget(uid, id)} when a TestVM is forgotten. */
    public void alsoForget(BiConsumer<String, ResourceID> forget) {
        alsoForget.add(forget);
    }

    /** The TestVM is gone: everything this process remembered about it goes too. */
    public void forget(String uid, ResourceID id) {
        byUid.remove(uid);
        alsoForget.forEach(forget -> forget.accept(uid, id));
    }
}
