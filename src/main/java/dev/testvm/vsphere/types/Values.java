package dev.testvm.vsphere.types;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VirtualNic;
import dev.testvm.vsphere.soap.FaultMapper;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** Reads property values ({@code val} elements) and method results into our records. */
public final class Values {

    private Values() {}

    public static String text(XmlElement val) {
        return val == null ? null : val.text();
    }

    public static boolean bool(XmlElement val) {
        return val != null && "true".equals(val.text().trim());
    }

    public static MoRef moRef(XmlElement val) {
        return val == null ? null : val.asMoRef();
    }

    /** {@code ArrayOfManagedObjectReference}, e.g. a VM's {@code recentTask}; empty when unset. */
    public static List<MoRef> moRefs(XmlElement val) {
        return val == null ? List.of() : val.children("ManagedObjectReference").stream().map(XmlElement::asMoRef).toList();
    }

    /** {@code ArrayOfGuestNicInfo}. */
    public static List<GuestNic> guestNics(XmlElement val) {
        List<GuestNic> nics = new ArrayList<>();
        if (val == null) {
            return nics;
        }
        for (XmlElement nic : val.children("GuestNicInfo")) {
            List<String> ips = nic.children("ipAddress").stream().map(XmlElement::text).toList();
            nics.add(new GuestNic(nic.childText("network"), nic.childText("macAddress"),
                    "true".equals(nic.childText("connected")), ips));
        }
        return nics;
    }

    /**
     * The ethernet cards of an {@code ArrayOfVirtualDevice}, in device order. Every subtype of
     * {@code VirtualEthernetCard} (vmxnet3, e1000, SR-IOV, ...) and no other device carries a
     * {@code macAddress}, so that is what identifies them.
     */
    public static List<VirtualNic> virtualNics(XmlElement val) {
        List<VirtualNic> nics = new ArrayList<>();
        if (val == null) {
            return nics;
        }
        for (XmlElement device : val.children("VirtualDevice")) {
            String mac = device.childText("macAddress");
            if (mac == null || mac.isBlank()) {
                continue;
            }
            XmlElement backing = device.child("backing");
            String network = backing == null ? null : backing.childText("deviceName");
            XmlElement port = backing == null ? null : backing.child("port");
            String portgroup = port == null ? null : port.childText("portgroupKey");
            String key = device.childText("key");
            nics.add(new VirtualNic(key == null ? -1 : Integer.parseInt(key.trim()),
                    mac.trim().toLowerCase(Locale.ROOT), network, portgroup));
        }
        return nics;
    }

    /** {@code ArrayOfOptionValue} as strings (non-string values keep their text form). */
    public static Map<String, String> optionValues(XmlElement val) {
        Map<String, String> options = new LinkedHashMap<>();
        if (val == null) {
            return options;
        }
        for (XmlElement option : val.children("OptionValue")) {
            options.put(option.childText("key"), option.childText("value"));
        }
        return options;
    }

    /** Depth-first search of {@code snapshot.rootSnapshotList} ({@code ArrayOfVirtualMachineSnapshotTree}). */
    public static MoRef findSnapshot(XmlElement rootSnapshotList, String name) {
        if (rootSnapshotList == null) {
            return null;
        }
        return findSnapshot(rootSnapshotList.children("VirtualMachineSnapshotTree"), tree -> name.equals(tree.childText("name")));
    }

    private static MoRef findSnapshot(List<XmlElement> trees, Predicate<XmlElement> match) {
        for (XmlElement tree : trees) {
            if (match.test(tree)) {
                return tree.childMoRef("snapshot");
            }
            MoRef found = findSnapshot(tree.children("childSnapshotList"), match);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** A task's {@code info.state}, {@code info.result} and {@code info.error}, each possibly null. */
    public static TaskInfo taskInfo(MoRef task, XmlElement state, XmlElement result, XmlElement error) {
        TaskInfo.State s = state == null ? TaskInfo.State.QUEUED
                : TaskInfo.State.valueOf(state.text().trim().toUpperCase(Locale.ROOT));
        MoRef resultRef = result != null && result.attribute("type") != null ? result.asMoRef() : null;
        return new TaskInfo(task, s, resultRef, error == null ? null : FaultMapper.fromLocalizedFault(error));
    }

    /**
     * {@code ListProcessesInGuest} results. A process is finished when {@code endTime} is present;
     * vCenter omits {@code exitCode} when it is 0, so a finished process without one exited 0.
     */
    public static List<GuestProcess> guestProcesses(XmlElement response) {
        List<GuestProcess> processes = new ArrayList<>();
        for (XmlElement info : response.children("returnval")) {
            boolean finished = info.child("endTime") != null;
            String exit = info.childText("exitCode");
            Integer exitCode = finished ? (exit == null || exit.isBlank() ? 0 : Integer.valueOf(exit.trim())) : null;
            processes.add(new GuestProcess(Long.parseLong(info.childText("pid").trim()), info.childText("name"), finished, exitCode));
        }
        return processes;
    }
}
