package dev.testvm.reconciler.events;

import dev.testvm.api.TestVM;
import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.VCenter;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Turns changes seen by each vCenter's property watcher (task finished, VM powered on, Tools up,
 * IP published) into reconcile events for every TestVM that follows the object, so the reconciler
 * never polls vSphere on a timer except as a backstop. Any number of TestVMs may follow one object
 * (a deletion waiting for a clone another pass follows too, a restarted operator's TestVMs waiting
 * for the same clone of their template): each is woken by each change.
 *
 * <p>Objects are keyed by (vCenter, moRef): moRef values such as {@code vm-42} repeat across
 * vCenters. A TestVM is bound to its vCenter by {@link #bind} at the start of each pass, so steps
 * follow objects by moRef alone and land on the right vCenter.
 */
public class VSphereEventSource extends AbstractEventSource<PropertyChange, TestVM> {

    private static final Logger LOG = Logger.getLogger(VSphereEventSource.class);

    /** A vSphere object in one vCenter. */
    record ObjectKey(String vcenter, MoRef object) {}

    private final VCenterRegistry registry;
    /** Who follows each object; the watcher follows an object while anyone does. Sets are copy-on-write. */
    private final Map<ObjectKey, Set<ResourceID>> owners = new ConcurrentHashMap<>();
    private final Map<ResourceID, String> vcenterOf = new ConcurrentHashMap<>();
    /** Followed objects the watcher reported destroyed; forgotten when unfollowed. */
    private final Set<ObjectKey> gone = ConcurrentHashMap.newKeySet();
    /**
     * Objects that changed while nobody was routed to them, most recent last. The client follows
     * its own tasks the moment it starts them, before the step that started one records it and
     * routes it here: a task finishing in between reported its change to no one.
     */
    private final Map<ObjectKey, Boolean> unrouted = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ObjectKey, Boolean> eldest) {
                    return size() > UNROUTED_REMEMBERED;
                }
            });
    private static final int UNROUTED_REMEMBERED = 4096;

    public VSphereEventSource(VCenterRegistry registry) {
        super(PropertyChange.class, "vsphere");
        this.registry = registry;
        registry.addChangeListener(this::onChange);
        registry.addConnectionListener(this::followAgain);
    }

    /** The vCenter whose objects {@code owner} follows from now on. */
    public void bind(ResourceID owner, String vcenter) {
        vcenterOf.put(owner, vcenter);
    }

    /** Routes changes of {@code object} (in the owner's vCenter) to {@code owner} and asks the watcher to follow it. */
    public void follow(MoRef object, ResourceID owner) {
        ObjectKey key = keyOf(object, owner);
        boolean first = add(key, owner);
        if (first) {
            connection(key.vcenter()).get().follow(object);
        }
        // Routed first, then checked; onChange records first, then routes: whichever runs second
        // sees the other, so a change in between reaches the owner at least once.
        if (unrouted.remove(key) != null && isRunning()) {
            getEventHandler().handleEvent(new Event(owner));
        }
    }

    public void unfollow(MoRef object, ResourceID owner) {
        ObjectKey key = keyOf(object, owner);
        if (remove(key, owner)) {
            connection(key.vcenter()).get().unfollow(object);
        }
    }

    /** Adds {@code owner}; true when it is the object's first. */
    private boolean add(ObjectKey key, ResourceID owner) {
        boolean[] first = {false};
        owners.compute(key, (k, old) -> {
            first[0] = old == null;
            if (old != null && old.contains(owner)) {
                return old;
            }
            Set<ResourceID> next = old == null ? new HashSet<>() : new HashSet<>(old);
            next.add(owner);
            return Set.copyOf(next);
        });
        return first[0];
    }

    /** Removes {@code owner}; true when nobody follows the object any more. */
    private boolean remove(ObjectKey key, ResourceID owner) {
        boolean[] last = {false};
        owners.computeIfPresent(key, (k, old) -> {
            if (!old.contains(owner)) {
                return old;
            }
            Set<ResourceID> next = new HashSet<>(old);
            next.remove(owner);
            last[0] = next.isEmpty();
            return next.isEmpty() ? null : Set.copyOf(next);
        });
        if (last[0]) {
            gone.remove(key);
        }
        return last[0];
    }

    /** How many TestVMs follow {@code object} in {@code vcenter} (for tests). */
    int ownerCount(String vcenter, MoRef object) {
        return owners.getOrDefault(new ObjectKey(vcenter, object), Set.of()).size();
    }

    /** Forgets every object routed to {@code owner} (TestVM gone or done). */
    public void unfollowAll(ResourceID owner) {
        owners.entrySet().stream().filter(entry -> entry.getValue().contains(owner)).map(Map.Entry::getKey).toList()
                .forEach(key -> {
                    if (remove(key, owner)) {
                        try {
                            connection(key.vcenter()).get().unfollow(key.object());
                        } catch (RuntimeException e) {
                            LOG.debugf("unfollow %s in %s: %s", key.object(), key.vcenter(), e.getMessage());
                        }
                    }
                });
    }

    /** Forgets the TestVM altogether (deleted). */
    public void forget(ResourceID owner) {
        unfollowAll(owner);
        vcenterOf.remove(owner);
    }

    /** Whether the watcher reported {@code object} (in the owner's vCenter) gone since it was followed. */
    public boolean reportedGone(MoRef object, ResourceID owner) {
        return gone.contains(keyOf(object, owner));
    }

    private ObjectKey keyOf(MoRef object, ResourceID owner) {
        String vcenter = vcenterOf.get(owner);
        if (vcenter == null) {
            throw new IllegalStateException("TestVM " + owner + " is bound to no vCenter");
        }
        return new ObjectKey(vcenter, object);
    }

    private VCenterConnection connection(String vcenter) {
        return registry.find(vcenter).orElseThrow(() -> new IllegalStateException("no vCenter named " + vcenter));
    }

    /** A new session (first use, rotated credentials, changed TLS) has a new watcher: follow everything again. */
    private void followAgain(String vcenter, VCenter connection) {
        owners.keySet().stream().filter(key -> key.vcenter().equals(vcenter)).forEach(key -> {
            try {
                connection.follow(key.object());
            } catch (RuntimeException e) {
                LOG.debugf("follow %s in %s again: %s", key.object(), vcenter, e.getMessage());
            }
        });
    }

    private void onChange(String vcenter, PropertyChange change) {
        ObjectKey key = new ObjectKey(vcenter, change.object());
        if (change.removed() && owners.containsKey(key)) {
            gone.add(key);
        }
        unrouted.put(key, Boolean.TRUE);
        Set<ResourceID> following = owners.get(key);
        if (following != null) {
            unrouted.remove(key);
            if (isRunning()) {
                following.forEach(owner -> getEventHandler().handleEvent(new Event(owner)));
            }
        }
    }

    @Override
    public Set<PropertyChange> getSecondaryResources(TestVM primary) {
        return Set.of();
    }
}
