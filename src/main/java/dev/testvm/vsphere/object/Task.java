package dev.testvm.vsphere.object;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import dev.testvm.vsphere.property.Watcher;

/** A vSphere task: its {@code info.state}, {@code info.result} and {@code info.error}. */
public final class Task {

    private final PropertyReader reader;
    private final MoRef ref;

    public Task(PropertyReader reader, MoRef ref) {
        if (!"Task".equals(ref.type())) {
            throw new IllegalArgumentException("not a Task: " + ref);
        }
        this.reader = reader;
        this.ref = ref;
    }

    public TaskInfo info() {
        ObjectContent content = reader.read(ref, Watcher.TASK_PATHS)
                .orElseThrow(() -> new ManagedObjectNotFoundException("task " + ref + " no longer exists"));
        return Values.taskInfo(ref, content.get("info.state"), content.get("info.result"), content.get("info.error"));
    }
}
