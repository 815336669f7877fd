package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlWriter;

/**
 * {@code VirtualMachineRelocateSpec}, the fields we use, in WSDL order: datastore, diskMoveType,
 * pool, host. (The folder of a clone is a CloneVM_Task parameter, so {@code folder} stays unset.)
 *
 * @param diskMoveType e.g. {@code createNewChildDiskBacking} for a linked clone; null = vSphere's default
 */
public record RelocateSpec(MoRef datastore, String diskMoveType, MoRef pool, MoRef host) {

    public static final String LINKED = "createNewChildDiskBacking";

    public void write(XmlWriter w, String name) {
        w.start(name)
                .optionalMoRef("datastore", datastore)
                .optional("diskMoveType", diskMoveType)
                .optionalMoRef("pool", pool)
                .optionalMoRef("host", host)
                .end(name);
    }
}
