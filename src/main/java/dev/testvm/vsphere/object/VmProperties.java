package dev.testvm.vsphere.object;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.property.Watcher;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import java.util.List;
import java.util.stream.Stream;

/** The property paths behind {@link VmInfo}, and how to read them: one round trip per VM. */
public final class VmProperties {

    /** The watcher's paths plus the device list it leaves out: together a whole {@link VmInfo}. */
    public static final List<String> PATHS = Stream.concat(Watcher.VM_PATHS.stream(), Stream.of(Watcher.VM_DEVICES)).toList();

    private VmProperties() {}

    public static VmInfo parse(MoRef vm, ObjectContent content) {
        String power = Values.text(content.get("runtime.powerState"));
        return new VmInfo(
                vm,
                Values.text(content.get("name")),
                Values.text(content.get("config.instanceUuid")),
                Values.bool(content.get("config.template")),
                power == null ? null : PowerState.fromWire(power.trim()),
                Values.moRef(content.get("runtime.host")),
                "guestToolsRunning".equals(Values.text(content.get("guest.toolsRunningStatus"))),
                Values.bool(content.get("guest.guestOperationsReady")),
                Values.text(content.get("guest.guestFamily")),
                Values.text(content.get("config.guestId")),
                blankToNull(Values.text(content.get("guest.ipAddress"))),
                Values.guestNics(content.get("guest.net")),
                Values.optionValues(content.get("config.extraConfig")),
                Values.moRef(content.get("snapshot.currentSnapshot")),
                Values.virtualNics(content.get("config.hardware.device")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
