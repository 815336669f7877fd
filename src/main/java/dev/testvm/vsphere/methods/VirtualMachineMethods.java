package dev.testvm.vsphere.methods;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.SoapCaller;
import dev.testvm.vsphere.types.CloneSpec;
import dev.testvm.vsphere.types.ConfigSpec;
import dev.testvm.vsphere.types.InstantCloneSpec;

/** VirtualMachine (and ManagedEntity) operations; each starts a task and returns it. */
public final class VirtualMachineMethods {

    private VirtualMachineMethods() {}

    /** {@code CloneVM_Task(folder, name, spec)}. */
    public static MoRef cloneVmTask(SoapCaller soap, MoRef vm, MoRef folder, String name, CloneSpec spec) {
        return soap.call("CloneVM_Task", vm, w -> {
            w.moRef("folder", folder).element("name", name);
            spec.write(w, "spec");
        }).childMoRef("returnval");
    }

    /** {@code InstantClone_Task(spec)}. */
    public static MoRef instantCloneTask(SoapCaller soap, MoRef vm, InstantCloneSpec spec) {
        return soap.call("InstantClone_Task", vm, w -> spec.write(w, "spec")).childMoRef("returnval");
    }

    /** {@code PowerOnVM_Task(host)}; host null = where it is. */
    public static MoRef powerOnVmTask(SoapCaller soap, MoRef vm, MoRef host) {
        return soap.call("PowerOnVM_Task", vm, w -> w.optionalMoRef("host", host)).childMoRef("returnval");
    }

    public static MoRef powerOffVmTask(SoapCaller soap, MoRef vm) {
        return soap.call("PowerOffVM_Task", vm, w -> {}).childMoRef("returnval");
    }

    /** {@code Destroy_Task()} (ManagedEntity). */
    public static MoRef destroyTask(SoapCaller soap, MoRef entity) {
        return soap.call("Destroy_Task", entity, w -> {}).childMoRef("returnval");
    }
}
