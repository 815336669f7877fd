package dev.testvm.vsphere.types;

import dev.testvm.vsphere.soap.XmlWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code VirtualMachineConfigSpec}, the fields we use, in WSDL order: instanceUuid, annotation,
 * numCPUs, memoryMB, extraConfig. Null fields are left out (= unchanged).
 */
public record ConfigSpec(String instanceUuid, String annotation, Integer numCPUs, Long memoryMB, Map<String, String> extraConfig) {

    public ConfigSpec {
        extraConfig = extraConfig == null ? Map.of() : Map.copyOf(extraConfig);
    }

    public boolean isEmpty() {
        return instanceUuid == null && annotation == null && numCPUs == null && memoryMB == null && extraConfig.isEmpty();
    }

    public void write(XmlWriter w, String name) {
        w.start(name)
                .optional("instanceUuid", instanceUuid)
                .optional("annotation", annotation)
                .optional("numCPUs", numCPUs)
                .optional("memoryMB", memoryMB);
        writeOptionValues(w, "extraConfig", extraConfig);
        w.end(name);
    }

    /**
     * {@code OptionValue} entries, sorted by key (stable requests). The element type is declared as the base type in some places,
     * and {@code value} is {@code xsd:anyType}: both need xsi:type or vCenter cannot decode them.
     */
    static void writeOptionValues(XmlWriter w, String name, Map<String, String> options) {
        new TreeMap<>(options).forEach((key, value) -> w.start(name, "OptionValue")
                .element("key", key)
                // Masked in the DEBUG log: guestinfo values carry cloud-init user data and often secrets.
                .secret("value", "xsd:string", value)
                .end(name));
    }
}
