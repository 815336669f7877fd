package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
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
 * IP published) into reconcile events for the TestVM that owns the object, so the reconciler never
 * polls vSphere on a timer except as a backstop.
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
    private final Map<ObjectKey, ResourceID> owners = new ConcurrentHashMap<>();
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
    void bind(ResourceID owner, String vcenter) {
        vcenterOf.put(owner, vcenter);
    }

    /** Routes changes of {@code object} (in the owner's vCenter) to {@code owner} and asks the watcher to follow it. */
    void follow(MoRef object, ResourceID owner) {
        ObjectKey key = keyOf(object, owner);
        if (owners.put(key, owner) == null) {
            connection(key.vcenter()).get().follow(object);
        }
        // Routed first, then checked; onChange records first, then routes: whichever runs second
        // sees the other, so a change in between reaches the owner at least once.
        if (unrouted.remove(key) != null && isRunning()) {
            getEventHandler().handleEvent(new Event(owner));
        }
    }

    void unfollow(MoRef object, ResourceID owner) {
        ObjectKey key = keyOf(object, owner);
        gone.remove(key);
        if (owners.remove(key) != null) {
            connection(key.vcenter()).get().unfollow(object);
        }
    }

    /** The vSphere tasks currently routed to {@code owner}. */
    Set<MoRef> followedTasks(ResourceID owner) {
        Set<MoRef> tasks = new HashSet<>();
        owners.forEach((key, routedTo) -> {
            if (routedTo.equals(owner) && "Task".equals(key.object().type())) {
                tasks.add(key.object());
            }
        });
        return tasks;
    }

    /** Forgets every object routed to {@code owner} (TestVM gone or done). */
    void unfollowAll(ResourceID owner) {
        owners.entrySet().removeIf(entry -> {
            if (!entry.getValue().equals(owner)) {
                return false;
            }
            ObjectKey key = entry.getKey();
            gone.remove(key);
            try {
                connection(key.vcenter()).get().unfollow(key.object());
            } catch (RuntimeException e) {
                LOG.debugf("unfollow %s in %s: %s", key.object(), key.vcenter(), e.getMessage());
            }
            return true;
        });
    }

    /** Forgets the TestVM altogether (deleted). */
    void forget(ResourceID owner) {
        unfollowAll(owner);
        vcenterOf.remove(owner);
    }

    /** Whether the watcher reported {@code object} (in the owner's vCenter) gone since it was followed. */
    boolean reportedGone(MoRef object, ResourceID owner) {
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
        ResourceID owner = owners.get(key);
        if (owner != null) {
            unrouted.remove(key);
            if (isRunning()) {
                getEventHandler().handleEvent(new Event(owner));
            }
        }
    }

    @Override
    public Set<PropertyChange> getSecondaryResources(TestVM primary) {
        return Set.of();
    }
}
