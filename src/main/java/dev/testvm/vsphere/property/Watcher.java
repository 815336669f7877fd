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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * and their reports are dropped meanwhile. One filter rather than one per object: one CreateFilter
 * and DestroyPropertyFilter fewer per followed object, and a view change makes vCenter report the
 * newly added objects at once.
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

    /**
     * What we follow on a VM: everything {@code VmInfo} holds except the device list, so that a read
     * of a followed VM is answered from {@link #current} plus the devices of its last read
     * ({@code VimVCenter}). The paths beyond power, Tools and IP (name, config, host, snapshot)
     * seldom change, so they add no events. The device list is left out because it is the largest
     * value and never changes for our clones (nothing here reconfigures a VM): with it, the
     * simulator's collector spent a core recomputing it for every followed VM on every change
     * (hack/bench-scale.sh --count 100 --cycles 0: all Ready 37.7 s without it, see reliability.md).
     */
    public static final List<String> VM_PATHS = List.of(
            "name", "config.instanceUuid", "config.template", "runtime.powerState", "runtime.host",
            "guest.toolsRunningStatus", "guest.guestOperationsReady", "guest.guestFamily", "config.guestId",
            "guest.ipAddress", "guest.net", "config.extraConfig", "snapshot.currentSnapshot");
    /** The one {@code VmInfo} path the watcher leaves out (see {@link #VM_PATHS}). */
    public static final String VM_DEVICES = "config.hardware.device";
    public static final List<String> TASK_PATHS = List.of("info.state", "info.result", "info.error");

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    /**
     * Unfollowed objects leave the view with the next addition (same request), or on their own
     * once this many wait. Until then their reports are dropped here: a finished task reports
     * nothing more, so they cost (almost) nothing.
     */
    private static final int REMOVAL_BATCH = 16;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** The longest an object given to {@link #followSoon} waits for someone else's ModifyListView. */
    static final Duration FOLLOW_SOON = Duration.ofMillis(50);

    private final Session session;
    private final Consumer<WatchEvent> sink;
    private final int maxWaitSeconds;
    private final Set<MoRef> wanted = ConcurrentHashMap.newKeySet();
    /** Given to {@link #followSoon} and waiting the short while for company: the poll loop leaves them be. */
    private final Set<MoRef> joiningSoon = ConcurrentHashMap.newKeySet();
    /** Last values seen per followed object: only real changes are reported, and {@link #current} answers from them. */
    private final WatchedValues values = new WatchedValues(wanted);
    /** Polls sent, and the number of the last one whose whole result was applied (see {@link #caughtUpWith}). */
    private final AtomicLong pollsSent = new AtomicLong();
    private volatile long pollsApplied;
    private final ExecutorService events;
    /** Guards the server-side objects below. Held for view bookkeeping calls, never across the long poll. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<MoRef> inView = new HashSet<>();
    private MoRef collector;
    private MoRef view;
    private MoRef staleCollector;
    private MoRef staleView;
    private volatile long generation = -1;
    /** A collector of the current session exists (false from an outage or a re-login until it is rebuilt). */
    private volatile boolean live;
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

    /**
     * Idempotent. Added to the view right away when the loop runs (else when it (re)starts),
     * together with everything else waiting to join it ({@link #followSoon}, or other callers'
     * objects while this one waited for the lock): one ModifyListView for all of them.
     */
    public void follow(MoRef object) {
        want(object);
        addMissingToView();
    }

    /**
     * Follows {@code object} without a request of its own: it joins the view with the next
     * {@link #follow} of anything, or on its own within {@link #FOLLOW_SOON}. For the client's own
     * tasks, which the step that started one follows right after (with the VM it acts on), so
     * that both go in one ModifyListView.
     */
    public void followSoon(MoRef object) {
        if (want(object)) {
            joiningSoon.add(object);
            CompletableFuture.runAsync(() -> {
                joiningSoon.remove(object);
                addMissingToView();
            }, CompletableFuture.delayedExecutor(FOLLOW_SOON.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private boolean want(MoRef object) {
        pathsFor(object);
        if (!running) {
            throw new IllegalStateException("watcher is closed");
        }
        boolean added = wanted.add(object);
        start();
        return added;
    }

    private void addMissingToView() {
        lock.lock();
        try {
            if (running && view != null && generation == session.generation()) {
                List<MoRef> add = missingFromView();
                if (!add.isEmpty()) {
                    addToView(add);
                }
            }
        } catch (VimFaultException | VCenterUnreachableException e) {
            // The loop adds whatever is missing before every poll.
            LOG.debugf("ModifyListView failed, the watcher loop will retry: %s", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Followed objects not in the view yet. Caller holds the lock. */
    private List<MoRef> missingFromView() {
        List<MoRef> add = new ArrayList<>();
        for (MoRef object : wanted) {
            if (!inView.contains(object)) {
                add.add(object);
            }
        }
        return add;
    }

    /** Stops reporting the object at once; it leaves the view with the next addition (or batch). */
    public void unfollow(MoRef object) {
        values.forget(object);
    }

    public Set<MoRef> followed() {
        return Collections.unmodifiableSet(wanted);
    }

    /**
     * The object's values as of the last poll, when they can stand in for a read: it is followed,
     * the server reported it whole under the current collector, and the session is the one that
     * collector belongs to (after a re-login or an outage nothing is current until the new
     * collector reports it again). Unset paths are absent. Empty means: read it from vCenter.
     */
    public Optional<Map<String, XmlElement>> current(MoRef object) {
        if (!running || generation != session.generation()) {
            return Optional.empty();
        }
        return values.complete(object);
    }

    /** Whether the loop has a working collector in the current session, so a followed object's changes will be reported. */
    public boolean live() {
        return running && live && generation == session.generation();
    }

    /** A mark to give {@link #caughtUpWith}: the number of polls sent so far. */
    public long pollMark() {
        return pollsSent.get();
    }

    /**
     * Whether a poll sent after {@code mark} has returned and been applied: its result reflects
     * vCenter as of some moment after the mark, so whatever a read saw before the mark is in
     * {@link #current} by now.
     */
    public boolean caughtUpWith(long mark) {
        return pollsApplied > mark;
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
                long poll = pollsSent.incrementAndGet();
                UpdateSet set = PropertyCollectorMethods.waitForUpdatesEx(session, pc, version, maxWaitSeconds);
                backoff = MIN_BACKOFF;
                if (set != null && running) {
                    version = set.version();
                    dispatch(set);
                }
                if (set == null || !set.truncated()) {
                    pollsApplied = poll;
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
                forgetCollector();
                backoff = sleep(backoff);
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
            destroyStale(current);
            if (collector == null || generation != current) {
                create(current);
            }
            // Objects joining soon are left to their own request: a poll loop that answers quickly
            // would otherwise send one ModifyListView per object and defeat the batching.
            List<MoRef> add = missingFromView();
            add.removeAll(joiningSoon);
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
     * After an outage in the same session the old collector and view still exist: destroy them
     * (destroying the collector destroys its filter). After a re-login they died with the old
     * session. Caller holds the lock.
     */
    private void destroyStale(long current) {
        if (staleCollector == null) {
            return;
        }
        MoRef stalePc = staleCollector;
        MoRef staleV = staleView;
        staleCollector = null;
        staleView = null;
        if (generation != current) {
            return;
        }
        try {
            PropertyCollectorMethods.destroyPropertyCollector(session, stalePc);
            if (staleV != null) {
                PropertyCollectorMethods.destroyView(session, staleV);
            }
        } catch (VimFaultException e) {
            LOG.debugf("destroying the old collector/view failed (ignored): %s", e.getMessage());
        }
    }

    /**
     * A new collector, view and filter in the current session; everything followed is reported
     * again from version "" (and is not current until then). Caller holds the lock.
     */
    private void create(long current) {
        inView.clear();
        values.resync();
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
        live = true;
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
            live = false;
            inView.clear();
            values.resync();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies the whole set before the first of its changes goes out: a listener woken by one
     * object's change (a task finished) then finds every object's values of the same poll (the VM
     * the task powered on) in {@link #current}.
     */
    private void dispatch(UpdateSet set) {
        List<WatchEvent> found = new ArrayList<>();
        for (UpdateSet.ObjectUpdate update : set.updates()) {
            if (update.leave()) {
                removal(update.obj()).ifPresent(found::add);
            } else {
                Map<String, XmlElement> changed = values.apply(update.obj(), "enter".equals(update.kind()), update.changes());
                if (!changed.isEmpty()) {
                    found.add(new WatchEvent(new PropertyChange(update.obj(), Set.copyOf(changed.keySet()), false),
                            Collections.unmodifiableMap(changed)));
                }
            }
        }
        for (MoRef missing : set.missing()) {
            removal(missing).ifPresent(found::add);
        }
        found.forEach(this::emit);
    }

    /**
     * The object no longer exists: stop following it and report {@code removed=true} once (later
     * reports of the same disappearance are dropped). Called for the server's "leave" and
     * "missing" reports, and by the client when its own Destroy_Task succeeded: vcsim sends no
     * "leave" for an object it never reported as "entered", which happens when a VM is followed
     * and destroyed within one of its update ticks.
     */
    public void gone(MoRef object) {
        removal(object).ifPresent(this::emit);
    }

    /** Forgets a vanished object; the event to report, unless its disappearance was reported already. */
    private Optional<WatchEvent> removal(MoRef object) {
        if (!values.forget(object)) {
            return Optional.empty();
        }
        return Optional.of(new WatchEvent(new PropertyChange(object, Set.of(), true), Map.of()));
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
