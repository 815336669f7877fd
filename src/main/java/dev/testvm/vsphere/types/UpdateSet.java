package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code WaitForUpdatesEx} result, flattened to what the watcher needs: the opaque version for
 * the next call, and per object its kind (enter / modify / leave) and changed values.
 *
 * @param missing objects a filter reported as missing ({@code missingSet}): gone, like a leave
 */
public record UpdateSet(String version, boolean truncated, List<ObjectUpdate> updates, List<MoRef> missing) {

    public record ObjectUpdate(MoRef filter, String kind, MoRef obj, Map<String, XmlElement> changes) {
        public boolean leave() {
            return "leave".equals(kind);
        }
    }

    /** Parses a {@code WaitForUpdatesExResponse}; null when it has no {@code returnval} (timed out). */
    public static UpdateSet parse(XmlElement response) {
        XmlElement set = response.child("returnval");
        if (set == null) {
            return null;
        }
        List<ObjectUpdate> updates = new ArrayList<>();
        List<MoRef> missing = new ArrayList<>();
        for (XmlElement filterUpdate : set.children("filterSet")) {
            MoRef filter = filterUpdate.childMoRef("filter");
            for (XmlElement objectUpdate : filterUpdate.children("objectSet")) {
                Map<String, XmlElement> changes = new LinkedHashMap<>();
                for (XmlElement change : objectUpdate.children("changeSet")) {
                    // op "remove"/"indirectRemove" or an assign without val both mean "now unset"
                    changes.put(change.childText("name"), change.child("val"));
                }
                updates.add(new ObjectUpdate(filter, objectUpdate.childText("kind"), objectUpdate.childMoRef("obj"), changes));
            }
            for (XmlElement missingObject : filterUpdate.children("missingSet")) {
                missing.add(missingObject.childMoRef("obj"));
            }
        }
        return new UpdateSet(set.childText("version"), "true".equals(set.childText("truncated")), updates, missing);
    }
}
