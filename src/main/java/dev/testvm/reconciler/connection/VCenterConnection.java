package dev.testvm.reconciler.connection;

import dev.testvm.policy.VCenterRules;
import dev.testvm.reconciler.tasks.TaskSlotQueue;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenter;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One vCenter's connection, made on first use so that an unreachable vCenter at start-up becomes a
 * status condition on TestVMs instead of a crashed operator. Everything the operator keeps per
 * vCenter hangs off it: the session (and with it the property watcher and task limiter of
 * {@code VimVCenter}), the line of TestVMs waiting for a task slot, and the default datacenter.
 *
 * <p>{@link #reconnect} swaps the way the session is made (rotated credentials, changed TLS): the
 * current session is logged out and the next use logs in with the new settings. Listeners stay.
 */
public final class VCenterConnection implements AutoCloseable {

    private final String name;
    private final List<Consumer<PropertyChange>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<VCenter>> connectionListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<VCenter> connector;
    private volatile String defaultDatacenter;
    private volatile VCenter vcenter;
    private TaskSlotQueue line;
    private volatile VCenterRules rules;
    private volatile boolean retiring;

    public VCenterConnection(String name, String defaultDatacenter, Supplier<VCenter> connector) {
        this.name = name;
        this.defaultDatacenter = defaultDatacenter;
        this.connector = connector;
    }

    /** The name TestVMs use for this vCenter ({@code spec.vcenter}, {@code status.vm.vcenter}). */
    public String name() {
        return name;
    }

    /** Datacenter of TestVMs that name none in {@code spec.placement.datacenter}. */
    public String defaultDatacenter() {
        return defaultDatacenter;
    }

    /** The VCenter resource's rules TestVMs must keep; null for the environment's vCenter (no rules). */
    public VCenterRules rules() {
        return rules;
    }

    public void rules(VCenterRules newRules) {
        this.rules = newRules;
    }

    /** Whether the VCenter resource is being deleted: it takes no new TestVMs. */
    public boolean isRetiring() {
        return retiring;
    }

    public void retiring(boolean on) {
        this.retiring = on;
    }

    /** The connection; throws what the connector throws (unreachable, login refused) until it succeeds. */
    public VCenter get() {
        VCenter current = vcenter;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (vcenter == null) {
                VCenter created = connector.get();
                listeners.forEach(created::addChangeListener);
                vcenter = created;
                connectionListeners.forEach(l -> l.accept(created));
            }
            return vcenter;
        }
    }

    /** Registers a listener now and on any connection made later. */
    public synchronized void addChangeListener(Consumer<PropertyChange> listener) {
        listeners.add(listener);
        if (vcenter != null) {
            vcenter.addChangeListener(listener);
        }
    }

    /** Tells {@code listener} about the current connection, if any, and every one made later (metrics, health, events). */
    public synchronized void addConnectionListener(Consumer<VCenter> listener) {
        connectionListeners.add(listener);
        if (vcenter != null) {
            listener.accept(vcenter);
        }
    }

    /** Whether a connection (a logged-in session) is open now. */
    public boolean isConnected() {
        return vcenter != null;
    }

    /**
     * New settings (credentials, TLS, URL): the open session, if any, is logged out; the next
     * {@link #get} logs in with {@code newConnector}. Followed objects are followed again by the
     * event source when the new connection is made (a connection listener).
     */
    public synchronized void reconnect(String newDefaultDatacenter, Supplier<VCenter> newConnector) {
        this.defaultDatacenter = newDefaultDatacenter;
        this.connector = newConnector;
        close();
    }

    /** This vCenter's line of TestVMs waiting for a task slot, made on first use. */
    public synchronized TaskSlotQueue taskLine(Consumer<ResourceID> wake) {
        if (line == null) {
            TaskSlotQueue queue = new TaskSlotQueue(() -> isConnected() ? get().taskSlots().free() : 0, wake);
            addConnectionListener(connection -> connection.addTaskSlotListener(queue::slotFreed));
            line = queue;
        }
        return line;
    }

    /** The TestVM waits for no slot (it failed); it keeps its ticket. */
    public synchronized void leaveLine(String uid) {
        if (line != null) {
            line.leave(uid);
        }
    }

    /** The TestVM is gone: out of this vCenter's line, its ticket dropped. */
    public synchronized void forgetInLine(String uid) {
        if (line != null) {
            line.forget(uid);
        }
    }

    @Override
    public synchronized void close() {
        if (vcenter != null) {
            VCenter closing = vcenter;
            vcenter = null;
            closing.close();
        }
    }
}
