package dev.testvm.vsphere.property;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.NotAuthenticatedException;
import dev.testvm.vsphere.methods.PropertyCollectorMethods;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.types.PropertyFilterSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.ObjectSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.PropertySpec;
import dev.testvm.vsphere.types.UpdateSet;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The connection's single {@code WaitForUpdatesEx} loop, on its own daemon thread.
 *
 * <p>It owns a private property collector ({@code CreatePropertyCollector}, so its filters never
 * mix with anyone else's) with one filter per followed object: following is one
 * {@code CreateFilter}, sent at once from the caller's thread while the long poll keeps running;
 * unfollowing is one {@code DestroyPropertyFilter}, sent by the loop between two polls. Filters
 * set {@code reportMissingObjectsInResults}: otherwise a single destroyed VM makes every later
 * wait fail (vcsim).
 *
 * <p>Recovery: the collector and filters belong to the session. When the session was renewed
 * (its generation changed, or the collector is reported missing) the watcher creates a new
 * collector and re-creates every filter, starting again from version "" (so it re-reads the
 * current values: nothing is missed, some changes may be reported twice). When vCenter cannot be
 * reached it retries with a backoff from 250 ms doubling to 5 s, and then also starts over with a
 * new collector, since the lost poll may have taken updates with it.
 */
public final class Watcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Watcher.class);

    /** What we follow on a VM: enough for the power-on → Tools → IP decisions. */
    public static final List<String> VM_PATHS = List.of(
            "runtime.powerState", "guest.toolsRunningStatus", "guest.guestOperationsReady",
            "guest.ipAddress", "guest.net", "guest.guestFamily");
    public static final List<String> TASK_PATHS = List.of("info.state", "info.result", "info.error");

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Session session;
    private final Consumer<WatchEvent> sink;
    private final int maxWaitSeconds;
    private final Set<MoRef> wanted = ConcurrentHashMap.newKeySet();
    /** Guards collector, filters, version. Held for filter bookkeeping calls, never across the long poll. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<MoRef, MoRef> filters = new HashMap<>();
    private MoRef collector;
    private MoRef staleCollector;
    private long collectorGeneration = -1;
    private String version = "";
    private volatile boolean running = true;
    private Thread thread;
    private final java.util.concurrent.ExecutorService events;

    public Watcher(Session session, int maxWaitSeconds, Consumer<WatchEvent> sink) {
        this.session = session;
        this.maxWaitSeconds = maxWaitSeconds;
        this.sink = sink;
        String name = "vsphere-watcher-events-" + session.soap().url().getHost();
        this.events = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
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

    /** Idempotent. The filter is created right away when the loop runs, else when it (re)starts. */
    public void follow(MoRef object) {
        pathsFor(object);
        if (!running) {
            throw new IllegalStateException("watcher is closed");
        }
        wanted.add(object);
        start();
        lock.lock();
        try {
            if (collector != null && collectorGeneration == session.generation() && !filters.containsKey(object)) {
                createFilter(object);
            }
        } catch (VimFaultException | VCenterUnreachableException e) {
            // The loop re-creates missing filters before every wait.
            LOG.debugf("CreateFilter for %s failed, the watcher loop will retry: %s", object, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops reporting the object at once; its filter is destroyed by the loop before its next
     * poll. (Destroying a filter while a WaitForUpdatesEx is pending races in vcsim and can
     * crash that poll, losing its updates.)
     */
    public void unfollow(MoRef object) {
        wanted.remove(object);
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
                // Our collector died with its session; the next prepare() builds a new one.
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
                // A poll whose answer was lost may have consumed updates (vcsim does not replay
                // them for the same version): start over with a fresh collector, which reports
                // the current values of everything followed.
                forgetCollector();
            } catch (RuntimeException e) {
                LOG.error("watcher: unexpected failure, retrying", e);
                backoff = sleep(backoff);
            }
        }
    }

    /** Makes sure a collector of the current session exists and every wanted object has a filter. */
    private MoRef prepare() {
        lock.lock();
        try {
            long generation = session.generation();
            if (staleCollector != null) {
                MoRef stale = staleCollector;
                staleCollector = null;
                if (collectorGeneration == generation) {
                    try {
                        PropertyCollectorMethods.destroyPropertyCollector(session, stale);
                    } catch (VimFaultException e) {
                        LOG.debugf("DestroyPropertyCollector of the old collector failed (ignored): %s", e.getMessage());
                    }
                }
            }
            if (collector == null || collectorGeneration != generation) {
                filters.clear();
                collector = PropertyCollectorMethods.createPropertyCollector(session, session.serviceContent().propertyCollector());
                collectorGeneration = session.generation();
                version = "";
            }
            for (MoRef object : wanted) {
                if (!filters.containsKey(object)) {
                    createFilter(object);
                }
            }
            for (MoRef object : Set.copyOf(filters.keySet())) {
                if (!wanted.contains(object)) {
                    destroyFilter(filters.remove(object));
                }
            }
            return collector;
        } finally {
            lock.unlock();
        }
    }

    private void forgetCollector() {
        lock.lock();
        try {
            if (collector != null) {
                staleCollector = collector;
            }
            collector = null;
            filters.clear();
        } finally {
            lock.unlock();
        }
    }

    private void createFilter(MoRef object) {
        PropertyFilterSpec spec = new PropertyFilterSpec(
                List.of(new PropertySpec(object.type(), pathsFor(object))), List.of(ObjectSpec.of(object)), true);
        try {
            filters.put(object, PropertyCollectorMethods.createFilter(session, collector, spec, false));
        } catch (ManagedObjectNotFoundException e) {
            if (e.getMessage() != null && collector != null && e.getMessage().contains(collector.value())) {
                throw e;
            }
            gone(object);
        }
    }

    private void destroyFilter(MoRef filter) {
        if (filter == null) {
            return;
        }
        try {
            PropertyCollectorMethods.destroyPropertyFilter(session, filter);
        } catch (VimFaultException | VCenterUnreachableException e) {
            LOG.debugf("DestroyPropertyFilter %s failed (ignored): %s", filter, e.getMessage());
        }
    }

    private void dispatch(UpdateSet set) {
        for (UpdateSet.ObjectUpdate update : set.updates()) {
            if (update.leave()) {
                gone(update.obj());
            } else if (wanted.contains(update.obj())) {
                Map<String, dev.testvm.vsphere.soap.XmlElement> values = Collections.unmodifiableMap(new LinkedHashMap<>(update.changes()));
                emit(new WatchEvent(new PropertyChange(update.obj(), Set.copyOf(update.changes().keySet()), false), values));
            }
        }
        for (MoRef missing : set.missing()) {
            gone(missing);
        }
    }

    /**
     * The object no longer exists: stop following it and report {@code removed=true} once (later
     * reports of the same disappearance are dropped). Called for the server's "leave" and
     * "missing" reports, and by the client when its own Destroy_Task succeeded: vcsim sends no
     * "leave" for an object it never reported as "entered", which happens when a VM is followed
     * and destroyed within one of its update ticks.
     */
    public void gone(MoRef object) {
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
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
        lock.lock();
        try {
            pc = collector;
            collector = null;
            filters.clear();
        } finally {
            lock.unlock();
        }
        if (pc != null) {
            try {
                PropertyCollectorMethods.destroyPropertyCollector(session, pc);
            } catch (VimFaultException | VCenterUnreachableException e) {
                LOG.debugf("DestroyPropertyCollector failed (ignored): %s", e.getMessage());
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
