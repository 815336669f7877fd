package dev.testvm.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Changes reach the TestVM that follows an object, also those reported before it followed. */
class VSphereEventSourceTest {

    private final FakeVCenter vcenter = new FakeVCenter();
    private final List<ResourceID> events = new CopyOnWriteArrayList<>();
    private VSphereEventSource source;
    private final ResourceID owner = new ResourceID("build-42", "ci");
    private final MoRef task = MoRef.task("task-7");

    @BeforeEach
    void setUp() {
        VCenterHolder holder = new VCenterHolder(() -> vcenter);
        source = new VSphereEventSource(holder);
        source.setEventHandler(new EventHandler() {
            @Override
            public void handleEvent(Event event) {
                events.add(event.getRelatedCustomResourceID());
            }
        });
        source.start();
        holder.get();
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
    void changesOfAFollowedObjectWakeItsOwner() {
        source.follow(task, owner);
        vcenter.report(new PropertyChange(task, Set.of("info.state"), false));
        assertThat(events).containsExactly(owner);
    }
}
