package dev.testvm.reconciler;

import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The operator's one connection to vCenter, made on first use so that an unreachable vCenter at
 * start-up becomes a status condition on TestVMs instead of a crashed operator.
 */
public class VCenterHolder implements AutoCloseable {

    private final Supplier<VCenter> connector;
    private final List<Consumer<PropertyChange>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<VCenter>> connectionListeners = new CopyOnWriteArrayList<>();
    private volatile VCenter vcenter;

    public VCenterHolder(Supplier<VCenter> connector) {
        this.connector = connector;
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
                connectionListeners.forEach(l -> l.accept(created));
                vcenter = created;
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

    /** Tells {@code listener} about the current connection, if any, and every one made later (metrics, health). */
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

    @Override
    public synchronized void close() {
        if (vcenter != null) {
            vcenter.close();
            vcenter = null;
        }
    }
}
