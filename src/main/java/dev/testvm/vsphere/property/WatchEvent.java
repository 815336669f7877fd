package dev.testvm.vsphere.property;

import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.Map;

/**
 * A change as the watcher saw it: the public {@link PropertyChange} plus the new values (raw
 * {@code val} elements; a null value means the property is now unset).
 */
public record WatchEvent(PropertyChange change, Map<String, XmlElement> values) {}
