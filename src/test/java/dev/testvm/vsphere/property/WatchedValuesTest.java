package dev.testvm.vsphere.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** When the watcher's values of an object may stand in for a read of it, and what they are. */
class WatchedValuesTest {

    private static final MoRef VM = new MoRef("VirtualMachine", "vm-1");

    private final Set<MoRef> wanted = ConcurrentHashMap.newKeySet();
    private final WatchedValues values = new WatchedValues(wanted);

    private static XmlElement val(String text) {
        return new XmlElement("urn:vim25", "val", Map.of(), "string", text, List.of());
    }

    private static Map<String, XmlElement> changes(Object... pathsAndTexts) {
        Map<String, XmlElement> result = new HashMap<>();
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            result.put((String) pathsAndTexts[i], pathsAndTexts[i + 1] == null ? null : val((String) pathsAndTexts[i + 1]));
        }
        return result;
    }

    private String current(String path) {
        return values.complete(VM).map(m -> m.get(path)).map(XmlElement::text).orElse(null);
    }

    @Test
    void currentOnlyOnceTheObjectWasReportedWhole() {
        wanted.add(VM);
        values.apply(VM, false, changes("runtime.powerState", "poweredOff"));
        assertThat(values.complete(VM)).as("a modify alone says nothing of the other paths").isEmpty();

        values.apply(VM, true, changes("name", "a", "runtime.powerState", "poweredOff"));
        values.apply(VM, false, changes("runtime.powerState", "poweredOn"));

        assertThat(current("name")).isEqualTo("a");
        assertThat(current("runtime.powerState")).isEqualTo("poweredOn");
    }

    @Test
    void unsetPathsAreAbsentAndReportedAsChanges() {
        wanted.add(VM);
        values.apply(VM, true, changes("guest.ipAddress", "10.0.0.5", "name", "a"));

        Map<String, XmlElement> changed = values.apply(VM, false, changes("guest.ipAddress", null));

        assertThat(changed).containsOnlyKeys("guest.ipAddress");
        assertThat(values.complete(VM).orElseThrow()).containsOnlyKeys("name");
        // An enter that leaves a path out: that path is unset now.
        values.apply(VM, true, changes("guest.ipAddress", "10.0.0.6"));
        assertThat(values.complete(VM).orElseThrow()).containsOnlyKeys("guest.ipAddress");
    }

    @Test
    void onlyRealChangesAreReported() {
        wanted.add(VM);
        values.apply(VM, true, changes("runtime.powerState", "poweredOn", "name", "a"));

        assertThat(values.apply(VM, false, changes("runtime.powerState", "poweredOn"))).isEmpty();
        assertThat(values.apply(VM, false, changes("name", "b"))).containsOnlyKeys("name");
    }

    @Test
    void aResyncMakesNothingCurrentUntilTheNewCollectorReportsItWhole() {
        wanted.add(VM);
        values.apply(VM, true, changes("runtime.powerState", "poweredOn"));

        values.resync();
        assertThat(values.complete(VM)).isEmpty();
        assertThat(values.apply(VM, false, changes("runtime.powerState", "poweredOff"))).containsOnlyKeys("runtime.powerState");
        assertThat(values.complete(VM)).as("a modify after the resync is not the whole object").isEmpty();

        // The new collector's first report: the values kept across the resync make it report real changes only.
        assertThat(values.apply(VM, true, changes("runtime.powerState", "poweredOff"))).isEmpty();
        assertThat(current("runtime.powerState")).isEqualTo("poweredOff");
    }

    @Test
    void aForgottenObjectIsNeitherCurrentNorBroughtBackByALateReport() {
        wanted.add(VM);
        values.apply(VM, true, changes("runtime.powerState", "poweredOn"));

        assertThat(values.forget(VM)).isTrue();
        assertThat(values.forget(VM)).as("reported once").isFalse();
        assertThat(values.complete(VM)).isEmpty();
        // A poll taken before the unfollow, applied after it.
        assertThat(values.apply(VM, true, changes("runtime.powerState", "poweredOn"))).isEmpty();
        assertThat(values.complete(VM)).isEmpty();
        assertThat(values.size()).isZero();

        // Followed again: current only once the server reports it whole again.
        wanted.add(VM);
        values.apply(VM, false, changes("runtime.powerState", "poweredOff"));
        assertThat(values.complete(VM)).isEmpty();
    }
}
