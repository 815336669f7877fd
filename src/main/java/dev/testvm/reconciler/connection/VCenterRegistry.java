package dev.testvm.reconciler.connection;

import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every vCenter this operator serves, by name: the VCenter resources it is told to serve and, for
 * installations configured the old way, the vCenter of the operator's environment under
 * {@link #ENVIRONMENT}. Sessions, watchers, task lines, the sweeper and the event routing all go
 * through here, so nothing vCenter-specific is a singleton.
 *
 * <p>Keyed by name, not by server + user as CAPV's session cache is: a VCenter resource is the unit
 * that rules, limits and status hang on, and its session is replaced exactly when its server, user,
 * password or TLS settings change ({@link VCenterConnection#reconnect}).
 *
 * <p>Listeners added here are attached to every connection, present and future, and told which
 * vCenter an event came from: moRef values repeat across vCenters.
 */
public final class VCenterRegistry implements AutoCloseable {

    /**
     * The vCenter of the operator's environment ({@code testvm.vcenter.*}). Not a valid Kubernetes
     * name, so no VCenter resource can be called this and no TestVM can name it.
     */
    public static final String ENVIRONMENT = "(environment)";

    private final Map<String, VCenterConnection> connections = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, PropertyChange>> changeListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, VCenter>> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<VCenterConnection>> addedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<VCenterConnection>> removedListeners = new CopyOnWriteArrayList<>();
    private volatile String markedDefault;
    private volatile boolean shard;

    /** A registry holding only the environment's vCenter (tests and single-vCenter tools). */
    public static VCenterRegistry of(String defaultDatacenter, Supplier<VCenter> connector) {
        VCenterRegistry registry = new VCenterRegistry();
        registry.put(ENVIRONMENT, defaultDatacenter, connector);
        return registry;
    }

    /**
     * Adds a vCenter, or gives an existing one new settings (its session is logged out and the
     * next use logs in anew).
     */
    public synchronized VCenterConnection put(String name, String defaultDatacenter, Supplier<VCenter> connector) {
        VCenterConnection existing = connections.get(name);
        if (existing != null) {
            existing.reconnect(defaultDatacenter, connector);
            return existing;
        }
        VCenterConnection added = new VCenterConnection(name, defaultDatacenter, connector);
        changeListeners.forEach(l -> added.addChangeListener(change -> l.accept(name, change)));
        connectionListeners.forEach(l -> added.addConnectionListener(vc -> l.accept(name, vc)));
        connections.put(name, added);
        addedListeners.forEach(l -> l.accept(added));
        return added;
    }

    /** Closes and forgets a vCenter (its VCenter resource is gone). */
    public synchronized void remove(String name) {
        VCenterConnection removed = connections.remove(name);
        if (removed != null) {
            removed.close();
            removedListeners.forEach(l -> l.accept(removed));
        }
    }

    /** The VCenter resource marked default ({@code spec.default}), or null when none is. */
    public void markDefault(String name) {
        this.markedDefault = name;
    }

    /** The VCenter TestVMs without {@code spec.vcenter} use when one is marked default. */
    public Optional<String> markedDefault() {
        return Optional.ofNullable(markedDefault);
    }

    /**
     * This replica serves a share of the VCenter resources only (a label selector; sharding): it
     * leaves TestVMs of other vCenters alone, since another replica serves them, and has no
     * environment vCenter.
     */
    public void shard(boolean on) {
        this.shard = on;
    }

    public boolean isShard() {
        return shard;
    }

    /** The vCenter of TestVMs that name none: the one marked default, else the environment's. */
    public Optional<String> defaultName() {
        if (markedDefault != null) {
            return Optional.of(markedDefault);
        }
        return hasEnvironment() ? Optional.of(ENVIRONMENT) : Optional.empty();
    }

    public Optional<VCenterConnection> find(String name) {
        return Optional.ofNullable(connections.get(name));
    }

    public Collection<VCenterConnection> all() {
        return List.copyOf(connections.values());
    }

    /** Whether the environment's vCenter is configured (installations from before VCenter resources). */
    public boolean hasEnvironment() {
        return connections.containsKey(ENVIRONMENT);
    }

    /** {@code listener} hears every property change of every vCenter, with the vCenter's name. */
    public synchronized void addChangeListener(BiConsumer<String, PropertyChange> listener) {
        changeListeners.add(listener);
        connections.forEach((name, c) -> c.addChangeListener(change -> listener.accept(name, change)));
    }

    /** {@code listener} hears of every session opened, now and later, with the vCenter's name. */
    public synchronized void addConnectionListener(BiConsumer<String, VCenter> listener) {
        connectionListeners.add(listener);
        connections.forEach((name, c) -> c.addConnectionListener(vc -> listener.accept(name, vc)));
    }

    /** {@code listener} hears of every vCenter added, now and later (metrics per vCenter). */
    public synchronized void addAddedListener(Consumer<VCenterConnection> listener) {
        addedListeners.add(listener);
        connections.values().forEach(listener);
    }

    /** {@code listener} hears of every vCenter removed (its metrics go). */
    public synchronized void addRemovedListener(Consumer<VCenterConnection> listener) {
        removedListeners.add(listener);
    }

    @Override
    public synchronized void close() {
        connections.values().forEach(VCenterConnection::close);
    }
}
