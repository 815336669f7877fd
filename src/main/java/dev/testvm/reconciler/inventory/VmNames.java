package dev.testvm.reconciler.inventory;

import dev.testvm.api.TestVM;
import java.util.Locale;

/** The clone's vSphere name: readable namespace/name plus a UID suffix that keeps it unique. */
public final class VmNames {

    /** vSphere caps VM names at 80 characters. */
    static final int MAX_LENGTH = 80;

    private VmNames() {}

    public static String of(TestVM testVM) {
        String uid = testVM.getMetadata().getUid().replace("-", "");
        String suffix = "-" + uid.substring(0, 8).toLowerCase(Locale.ROOT);
        String base = testVM.getMetadata().getNamespace() + "-" + testVM.getMetadata().getName();
        int room = MAX_LENGTH - suffix.length();
        if (base.length() > room) {
            base = base.substring(0, room);
        }
        return base + suffix;
    }
}
