package dev.testvm.vsphere.property;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last values the watcher received for each followed object, and whether they are complete:
 * an object's values are <em>entered</em> once the server reported it whole ("enter": every path
 * of the filter, unset ones absent) under the current collector. A later "modify" only changes
 * what it names, so entered values stay the object's full state as of the last poll.
 *
 * <p>Written by the watcher's loop thread only; read from any thread. Each object's map is
 * replaced whole, never changed in place, so a reader sees one update's values together.
 * Forgetting (unfollow, gone, resync) and applying are serialised, so values of an object that was
 * forgotten meanwhile are never brought back half.
 */
final class WatchedValues {

    /** Marks "reported, and unset" (maps cannot hold null); readers never see it. */
    private static final XmlElement UNSET = new XmlElement("", "unset", Map.of(), null, "", List.of());

    private final Map<MoRef, Map<String, XmlElement>> values = new ConcurrentHashMap<>();
    private final Set<MoRef> entered = ConcurrentHashMap.newKeySet();
    /** The watcher's followed objects: only their values are kept. */
    private final Set<MoRef> wanted;

    WatchedValues(Set<MoRef> wanted) {
        this.wanted = wanted;
    }

    /**
     * Stores what the server reported and returns the values that differ from the last ones seen
     * (never seen counts as a change). An "enter" replaces the object's values and makes them
     * complete; other kinds merge into them. An object no longer followed is ignored (empty).
     */
    synchronized Map<String, XmlElement> apply(MoRef object, boolean enter, Map<String, XmlElement> reported) {
        if (!wanted.contains(object)) {
            return Map.of();
        }
        Map<String, XmlElement> last = values.getOrDefault(object, Map.of());
        Map<String, XmlElement> next = enter ? new HashMap<>() : new HashMap<>(last);
        Map<String, XmlElement> changed = new LinkedHashMap<>();
        reported.forEach((path, value) -> {
            XmlElement stored = value == null ? UNSET : value;
            next.put(path, stored);
            if (!stored.equals(last.get(path))) {
                changed.put(path, value);
            }
        });
        if (enter) {
            // A path the object had and the enter leaves out is unset now.
            last.forEach((path, value) -> {
                if (value != UNSET && !reported.containsKey(path)) {
                    changed.put(path, null);
                }
            });
        }
        values.put(object, Map.copyOf(next));
        if (enter) {
            entered.add(object);
        }
        return changed;
    }

    /** The object's complete values (unset paths absent), or empty when they are not known whole. */
    Optional<Map<String, XmlElement>> complete(MoRef object) {
        Map<String, XmlElement> known = values.get(object);
        if (known == null || !entered.contains(object)) {
            return Optional.empty();
        }
        Map<String, XmlElement> set = new HashMap<>();
        known.forEach((path, value) -> {
            if (value != UNSET) {
                set.put(path, value);
            }
        });
        return Optional.of(set);
    }

    /**
     * The object is no longer followed (or gone): it leaves the followed set and its values go.
     * True when it was followed.
     */
    synchronized boolean forget(MoRef object) {
        entered.remove(object);
        values.remove(object);
        return wanted.remove(object);
    }

    /**
     * The collector is rebuilt (session renewed, outage): changes may have been missed, so no
     * object is complete until the new collector reports it again. The values stay, so that only
     * real changes are reported after the resync.
     */
    synchronized void resync() {
        entered.clear();
    }

    int size() {
        return values.size();
    }
}
