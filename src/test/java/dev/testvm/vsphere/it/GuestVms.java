package dev.testvm.vsphere.it;

import static org.awaitility.Awaitility.await;

import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Test helper: powered-on clones of the simulator's templates. */
final class GuestVms {

    private GuestVms() {}

    /** Linked clone of {@code templatePath}, powered on; {@code knobs} are simulator settings (testvm.sim.*). */
    static MoRef start(VCenter vc, String templatePath, Map<String, String> knobs) {
        MoRef template = vc.findByInventoryPath(templatePath).orElseThrow();
        String uid = UUID.randomUUID().toString();
        Map<String, String> extra = new HashMap<>(knobs);
        extra.put("testvm.dev/uid", uid);
        return Tasks.awaitSuccess(vc, vc.startClone(new CloneRequest(template, CloneType.LINKED, null, "g-" + uid.substring(0, 8),
                null, null, null, null, uid, extra, null, null, null, true)));
    }

    static void awaitGuestOperationsReady(VCenter vc, MoRef vm) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> vc.vmInfo(vm).guestOperationsReady());
    }

    static void destroy(VCenter vc, MoRef vm) {
        try {
            Tasks.await(vc, vc.startPowerOff(vm));
        } catch (RuntimeException ignored) {
            // may be off already
        }
        Tasks.await(vc, vc.startDestroy(vm));
    }
}
