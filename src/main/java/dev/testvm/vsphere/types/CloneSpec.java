package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlWriter;

/**
 * {@code VirtualMachineCloneSpec} in WSDL order: location, template, config, (customization),
 * powerOn, snapshot.
 */
public record CloneSpec(RelocateSpec location, ConfigSpec config, boolean powerOn, MoRef snapshot) {

    public void write(XmlWriter w, String name) {
        w.start(name);
        location.write(w, "location");
        w.element("template", false);
        if (config != null && !config.isEmpty()) {
            config.write(w, "config");
        }
        w.element("powerOn", powerOn);
        w.optionalMoRef("snapshot", snapshot);
        w.end(name);
    }
}
