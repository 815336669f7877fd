package dev.testvm.vsphere.types;

import dev.testvm.vsphere.soap.XmlWriter;
import java.util.Map;

/**
 * {@code VirtualMachineInstantCloneSpec} in WSDL order: name, location, config (OptionValues:
 * the only configuration an instant clone takes; it inherits hardware from its running source).
 */
public record InstantCloneSpec(String name, RelocateSpec location, Map<String, String> extraConfig) {

    public void write(XmlWriter w, String element) {
        w.start(element).element("name", name);
        location.write(w, "location");
        ConfigSpec.writeOptionValues(w, "config", extraConfig);
        w.end(element);
    }
}
