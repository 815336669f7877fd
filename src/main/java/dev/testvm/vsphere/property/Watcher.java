package dev.testvm.vsphere.property;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.NotAuthenticatedException;
import dev.testvm.vsphere.methods.PropertyCollectorMethods;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.types.PropertyFilterSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.ObjectSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.PropertySpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.TraversalSpec;
import dev.testvm.vsphere.types.UpdateSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The connection's single {@code WaitForUpdatesEx} loop, on its own daemon thread.
 *
 * <p>It owns a private property collector ({@code CreatePropertyCollector}, so nobody else's
 * filters mix in) with ONE filter over a {@code ListView}: the view is the updatable set of
 * followed objects, the filter names the VM paths and the task paths once. Following an object is
 * one {@code ModifyListView} (add), sent at once from the caller's thread while the long poll
 * keeps running; unfollowed objects leave the view in the next addition's request (or in a batch),
 * and their reports are dropped meanwhile. One filter rather than one per object because vcsim re-collects every filter for every
 * change (quadratic: with 100 filters its polls took longer than 30 s), and because a view
 * change makes vcsim report newly added objects at once.
 *
 * <p>The filter sets {@code reportMissingObjectsInResults}, so a destroyed VM never fails the
 * poll. Objects reported gone ("leave", a missing entry, or not addable to the view) are
 * reported once with {@code removed=true} and dropped.
 *
 * <p>Recovery: the collector, view and filter belong to the session. When the session was
 * renewed (its generation changed, or they are reported missing) the watcher builds them again
 * and starts from version "" (the current values of everything followed are reported again:
 * nothing is missed, some changes are reported twice). When vCenter cannot be reached it retries
 * with a backoff from 250 ms doubling to 5 s, and then also starts over, since the lost poll may
 * have taken updates with it.
 *
 * <p>Changes are delivered on one event thread, in order: a slow listener never delays a poll.
 */
public final class Watcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Watcher.class);

    /** What we follow on a VM: enough for the power-on → Tools → IP decisions. */
    public static final List<String> VM_PATHS = List.of(
            "runtime.powerState", "guest.toolsRunningStatus", "guest.guestOperationsReady",
            "guest.ipAddress", "guest.net", "guest.guestFamily");
    public static final List<String> TASK_PATHS = List.of("info.state", "info.result", "info.error");

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    /**
     * Unfollowed objects leave the view with the next addition (same request), or on their own
     * once this many wait. Until then their reports are dropped here: a finished task reports
     * nothing more, so they cost (almost) nothing.
     */
    private static final int REMOVAL_BATCH = 16;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Session session;
    private final Consumer<WatchEvent> sink;
    private final int maxWaitSeconds;
    private final Set<MoRef> wanted = ConcurrentHashMap.newKeySet();
    /** Last values seen per followed object (loop thread only): only real changes are reported. */
    private final Map<MoRef, Map<String, XmlElement>> lastValues = new ConcurrentHashMap<>();
    private final ExecutorService events;
    /** Guards the server-side objects below. Held for view bookkeeping calls, never across the long poll. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<MoRef> inView = new HashSet<>();
    private MoRef collector;
    private MoRef view;
    private MoRef staleCollector;
    private MoRef staleView;
    private long generation = -1;
    private volatile String version = "";
    private volatile boolean running = true;
    private Thread thread;

    public Watcher(Session session, int maxWaitSeconds, Consumer<WatchEvent> sink) {
        this.session = session;
        this.maxWaitSeconds = maxWaitSeconds;
        this.sink = sink;
        String name = "vsphere-watcher-events-" + session.soap().url().getHost();
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public static List<String> pathsFor(MoRef object) {
        return switch (object.type()) {
            case "VirtualMachine" -> VM_PATHS;
            case "Task" -> TASK_PATHS;
            default -> throw new IllegalArgumentException("can only follow VirtualMachine and Task objects, not " + object);
        };
    }

    /** Idempotent. Added to the view right away when the loop runs, else when it (re)starts. */
    public void follow(MoRef object) {
        pathsFor(object);
        if (!running) {
            throw new IllegalStateException("watcher is closed");
        }
        if (!wanted.add(object)) {
            return;
        }
        start();
        lock.lock();
        try {
            if (view != null && generation == session.generation() && !inView.contains(object)) {
                addToView(List.of(object));
            }
        } catch (VimFaultException | VCenterUnreachableException e) {
            // The loop adds whatever is missing before every poll.
            LOG.debugf("ModifyListView for %s failed, the watcher loop will retry: %s", object, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Stops reporting the object at once; it leaves the view with the next addition (or batch). */
    public void unfollow(MoRef object) {
        wanted.remove(object);
        lastValues.remove(object);
    }

    public Set<MoRef> followed() {
        return Collections.unmodifiableSet(wanted);
    }

    private synchronized void start() {
        if (thread == null && running) {
            thread = new Thread(this::loop, "vsphere-watcher-" + session.soap().url().getHost());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void loop() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            try {
                MoRef pc = prepare();
                UpdateSet set = PropertyCollectorMethods.waitForUpdatesEx(session, pc, version, maxWaitSeconds);
                backoff = MIN_BACKOFF;
                if (set != null && running) {
                    version = set.version();
                    dispatch(set);
                }
            } catch (ManagedObjectNotFoundException | NotAuthenticatedException e) {
                // Our collector or view died with its session; the next prepare() builds new ones.
                LOG.debugf("watcher: collector lost (%s), recreating it", e.faultType());
                forgetCollector();
            } catch (VimFaultException e) {
                if (!running) {
                    break;
                }
                LOG.warnf("watcher: WaitForUpdatesEx failed with %s, recreating the collector", e.getMessage());
                forgetCollector();
                backoff = sleep(backoff);
            } catch (VCenterUnreachableException e) {
                if (!running) {
                    break;
                }
                LOG.debugf("watcher: vCenter unreachable (%s), retrying in %d ms", e.getMessage(), backoff.toMillis());
                backoff = sleep(backoff);
                forgetCollector();
            } catch (RuntimeException e) {
                LOG.error("watcher: unexpected failure, retrying", e);
                backoff = sleep(backoff);
            }
        }
    }

    /** Makes sure the current session has our collector, view and filter, and the view holds what is wanted. */
    private MoRef prepare() {
        lock.lock();
        try {
            long current = session.generation();
            if (staleCollector != null) {
                // After an outage in the same session the old objects still exist: clean them up
                // (destroying the collector destroys its filter). After a re-login they died with the old session.
                MoRef stalePc = staleCollector;
                MoRef staleV = staleView;
                staleCollector = null;
                staleView = null;
                if (generation == current) {
                    try {
                        PropertyCollectorMethods.destroyPropertyCollector(session, stalePc);
                        if (staleV != null) {
                            PropertyCollectorMethods.destroyView(session, staleV);
                        }
                    } catch (VimFaultException e) {
                        LOG.debugf("destroying the old collector/view failed (ignored): %s", e.getMessage());
                    }
                }
            }
            if (collector == null || generation != current) {
                inView.clear();
                MoRef pc = PropertyCollectorMethods.createPropertyCollector(session, session.serviceContent().propertyCollector());
                MoRef newView = PropertyCollectorMethods.createListView(session, session.serviceContent().viewManager(), List.of());
                PropertyFilterSpec spec = new PropertyFilterSpec(
                        List.of(new PropertySpec("VirtualMachine", VM_PATHS), new PropertySpec("Task", TASK_PATHS)),
                        List.of(new ObjectSpec(newView, true, List.of(new TraversalSpec("view", "ListView", "view", false)))),
                        true);
                PropertyCollectorMethods.createFilter(session, pc, spec, false);
                collector = pc;
                view = newView;
                generation = current;
                version = "";
            }
            List<MoRef> add = new ArrayList<>();
            for (MoRef object : wanted) {
                if (!inView.contains(object)) {
                    add.add(object);
                }
            }
            if (!add.isEmpty()) {
                addToView(add);
            } else if (unwantedInView().size() >= REMOVAL_BATCH) {
                List<MoRef> remove = unwantedInView();
                PropertyCollectorMethods.modifyListView(session, view, List.of(), remove);
                remove.forEach(inView::remove);
            }
            return collector;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds to the view, and takes the unfollowed objects out in the same ModifyListView; objects
     * vCenter cannot resolve are gone. Caller holds the lock.
     */
    private void addToView(List<MoRef> objects) {
        List<MoRef> remove = unwantedInView();
        List<MoRef> unresolved = PropertyCollectorMethods.modifyListView(session, view, objects, remove);
        remove.forEach(inView::remove);
        inView.addAll(objects);
        for (MoRef object : unresolved) {
            gone(object);
        }
    }

    private List<MoRef> unwantedInView() {
        List<MoRef> unwanted = new ArrayList<>();
        for (MoRef object : inView) {
            if (!wanted.contains(object)) {
                unwanted.add(object);
            }
        }
        return unwanted;
    }

    private void forgetCollector() {
        lock.lock();
        try {
            if (collector != null) {
                staleCollector = collector;
                staleView = view;
            }
            collector = null;
            view = null;
            inView.clear();
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(UpdateSet set) {
        for (UpdateSet.ObjectUpdate update : set.updates()) {
            if (update.leave()) {
                gone(update.obj());
            } else if (wanted.contains(update.obj())) {
                Map<String, XmlElement> changed = changedValues(update.obj(), update.changes());
                if (!changed.isEmpty()) {
                    emit(new WatchEvent(new PropertyChange(update.obj(), Set.copyOf(changed.keySet()), false),
                            Collections.unmodifiableMap(changed)));
                }
            }
        }
        for (MoRef missing : set.missing()) {
            gone(missing);
        }
    }

    /**
     * The reported values that differ from the last ones seen. Servers may report a path whose
     * value did not change (vcsim reports every followed guest.* path when any of them changes,
     * and every value again after the collector is rebuilt); listeners get real changes only.
     */
    private Map<String, XmlElement> changedValues(MoRef object, Map<String, XmlElement> reported) {
        Map<String, XmlElement> last = lastValues.computeIfAbsent(object, o -> new ConcurrentHashMap<>());
        Map<String, XmlElement> changed = new LinkedHashMap<>();
        reported.forEach((path, value) -> {
            XmlElement stored = value == null ? UNSET : value;
            XmlElement previous = last.put(path, stored);
            if (!stored.equals(previous)) { // never seen before counts as a change
                changed.put(path, value);
            }
        });
        return changed;
    }

    /** Marks "seen, and unset" in {@link #lastValues} (maps cannot hold null). */
    private static final XmlElement UNSET = new XmlElement("", "unset", Map.of(), null, "", List.of());

    /**
     * The object no longer exists: stop following it and report {@code removed=true} once (later
     * reports of the same disappearance are dropped). Called for the server's "leave" and
     * "missing" reports, and by the client when its own Destroy_Task succeeded: vcsim sends no
     * "leave" for an object it never reported as "entered", which happens when a VM is followed
     * and destroyed within one of its update ticks.
     */
    public void gone(MoRef object) {
        lastValues.remove(object);
        if (!wanted.remove(object)) {
            return;
        }
        emit(new WatchEvent(new PropertyChange(object, Set.of(), true), Map.of()));
    }

    /**
     * Hands the event to the single event thread: listeners see events in order and on one
     * thread, whoever found them, and a slow listener never delays the next long poll.
     */
    private void emit(WatchEvent event) {
        try {
            events.execute(() -> {
                try {
                    sink.accept(event);
                } catch (RuntimeException e) {
                    LOG.error("watcher: change listener failed for " + event.change().object(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debugf("watcher closed, dropping change of %s", event.change().object());
        }
    }

    private Duration sleep(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /** Stops the loop and destroys the collector (which also cancels a pending wait). */
    @Override
    public void close() {
        running = false;
        MoRef pc;
        MoRef v;
        lock.lock();
        try {
            pc = collector;
            v = view;
            collector = null;
            view = null;
        } finally {
            lock.unlock();
        }
        if (pc != null) {
            try {
                PropertyCollectorMethods.destroyPropertyCollector(session, pc);
                PropertyCollectorMethods.destroyView(session, v);
            } catch (VimFaultException | VCenterUnreachableException e) {
                LOG.debugf("DestroyPropertyCollector/DestroyView failed (ignored): %s", e.getMessage());
            }
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.shutdown();
    }
}
