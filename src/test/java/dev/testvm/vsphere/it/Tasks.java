package dev.testvm.vsphere.it;


import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Test helper: poll a task until it is done (tests may block; the operator never does). */
final class Tasks {

    private Tasks() {}

    static TaskInfo await(VCenter vc, MoRef task) {
        AtomicReference<TaskInfo> last = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            TaskInfo info = vc.taskInfo(task);
            last.set(info);
            return info.state().done();
        });
        return last.get();
    }

    static MoRef awaitSuccess(VCenter vc, MoRef task) {
        TaskInfo info = await(vc, task);
        if (info.state() != TaskInfo.State.SUCCESS) {
            throw new AssertionError("task " + task + " ended " + info.state(), info.error());
        }
        return info.result();
    }
}
