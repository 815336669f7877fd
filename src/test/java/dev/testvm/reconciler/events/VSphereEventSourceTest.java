package dev.testvm.reconciler.events;

import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.testsupport.FakeVCenter;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.EventHandler;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Changes reach the TestVM that follows an object, also those reported before it followed. */
class VSphereEventSourceTest {

    private final FakeVCenter vcenter = new FakeVCenter();
    private final List<ResourceID> events = new CopyOnWriteArrayList<>();
    private VSphereEventSource source;
    private final FakeVCenter other = new FakeVCenter();
    private final ResourceID owner = new ResourceID("build-42", "ci");
    private final ResourceID otherOwner = new ResourceID("build-42", "team-b");
    private final MoRef task = MoRef.task("task-7");

    @BeforeEach
    void setUp() {
        VCenterRegistry holder = VCenterRegistry.of("DC0", () -> vcenter);
        holder.put("other", "DC0", () -> other);
        source = new VSphereEventSource(holder);
        source.setEventHandler(new EventHandler() {
            @Override
            public void handleEvent(Event event) {
                events.add(event.getRelatedCustomResourceID());
            }
        });
        source.start();
        holder.find(VCenterRegistry.ENVIRONMENT).orElseThrow().get();
        holder.find("other").orElseThrow().get();
        source.bind(owner, VCenterRegistry.ENVIRONMENT);
        source.bind(otherOwner, "other");
    }

    @Test
    void theSameMoRefInAnotherVCenterWakesOnlyItsOwnOwner() {
        source.follow(task, owner);
        source.follow(task, otherOwner);
        assertThat(vcenter.followed).containsExactly(task);
        assertThat(other.followed).containsExactly(task);

        other.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactly(otherOwner);
        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactly(otherOwner, owner);

        source.unfollow(task, otherOwner);
        assertThat(other.followed).isEmpty();
        assertThat(vcenter.followed).as("unfollowing in one vCenter leaves the other's alone").containsExactly(task);
    }

    @Test
    void aTaskThatFinishedBeforeItWasFollowedWakesItsOwnerAtOnce() {
        // The client follows its own task as it starts it; the step routes it a moment later.
        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).isEmpty();

        source.follow(task, owner);

        assertThat(events).containsExactly(owner);
        source.follow(task, owner);
        assertThat(events).as("remembered once, not replayed on every follow").containsExactly(owner);
    }

    @Test
    void everyTestVMFollowingOneTaskIsWokenByItsEnd() {
        ResourceID deleting = new ResourceID("build-43", "ci");
        source.bind(deleting, VCenterRegistry.ENVIRONMENT);
        source.follow(task, owner);
        source.follow(task, deleting);
        assertThat(source.ownerCount(VCenterRegistry.ENVIRONMENT, task)).isEqualTo(2);

        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactlyInAnyOrder(owner, deleting);

        source.unfollow(task, owner);
        assertThat(vcenter.followed).as("still followed for the other").containsExactly(task);
        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactlyInAnyOrder(owner, deleting, deleting);
        source.unfollowAll(deleting);
        assertThat(vcenter.followed).as("nobody follows it any more").isEmpty();
    }

    @Test
    void changesOfAFollowedObjectWakeItsOwner() {
        source.follow(task, owner);
        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactly(owner);
    }
}
