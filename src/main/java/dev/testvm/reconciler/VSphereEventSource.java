package dev.testvm.reconciler;

import dev.testvm.api.TestVM;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Turns changes seen by the vCenter property watcher (task finished, VM powered on, Tools up, IP
 * published) into reconcile events for the TestVM that owns the object, so the reconciler never
 * polls vSphere on a timer except as a backstop.
 */
public class VSphereEventSource extends AbstractEventSource<PropertyChange, TestVM> {

    private static final Logger LOG = Logger.getLogger(VSphereEventSource.class);

    private final VCenterHolder vcenter;
    private final Map<MoRef, ResourceID> owners = new ConcurrentHashMap<>();
    /** Followed objects the watcher reported destroyed; forgotten when unfollowed. */
    private final Set<MoRef> gone = ConcurrentHashMap.newKeySet();
    /**
     * Objects that changed while nobody was routed to them, most recent last. The client follows
     * its own tasks the moment it starts them, before the step that started one records it and
     * routes it here: a task finishing in between reported its change to no one.
     */
    private final Map<MoRef, Boolean> unrouted = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<MoRef, Boolean> eldest) {
                    return size() > UNROUTED_REMEMBERED;
                }
            });
    private static final int UNROUTED_REMEMBERED = 4096;

    public VSphereEventSource(VCenterHolder vcenter) {
        super(PropertyChange.class, "vsphere");
        this.vcenter = vcenter;
        vcenter.addChangeListener(this::onChange);
    }

    /** Routes changes of {@code object} to {@code owner} and asks the watcher to follow it. */
    void follow(MoRef object, ResourceID owner) {
        if (owners.put(object, owner) == null) {
            vcenter.get().follow(object);
        }
        // Routed first, then checked; onChange records first, then routes: whichever runs second
        // sees the other, so a change in between reaches the owner at least once.
        if (unrouted.remove(object) != null && isRunning()) {
            getEventHandler().handleEvent(new Event(owner));
        }
    }

    void unfollow(MoRef object) {
        gone.remove(object);
        if (owners.remove(object) != null) {
            vcenter.get().unfollow(object);
        }
    }

    /** The vSphere tasks currently routed to {@code owner}. */
    Set<MoRef> followedTasks(ResourceID owner) {
        Set<MoRef> tasks = new java.util.HashSet<>();
        owners.forEach((object, routedTo) -> {
            if (routedTo.equals(owner) && "Task".equals(object.type())) {
                tasks.add(object);
            }
        });
        return tasks;
    }

    /** Forgets every object routed to {@code owner} (TestVM gone or done). */
    void unfollowAll(ResourceID owner) {
        owners.entrySet().removeIf(entry -> {
            if (entry.getValue().equals(owner)) {
                gone.remove(entry.getKey());
                try {
                    vcenter.get().unfollow(entry.getKey());
                } catch (RuntimeException e) {
                    LOG.debugf("unfollow %s: %s", entry.getKey(), e.getMessage());
                }
                return true;
            }
            return false;
        });
    }

    /** Whether the watcher reported {@code object} gone from vCenter since it was followed. */
    boolean reportedGone(MoRef object) {
        return gone.contains(object);
    }

    private void onChange(PropertyChange change) {
        if (change.removed() && owners.containsKey(change.object())) {
            gone.add(change.object());
        }
        unrouted.put(change.object(), Boolean.TRUE);
        ResourceID owner = owners.get(change.object());
        if (owner != null) {
            unrouted.remove(change.object());
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
