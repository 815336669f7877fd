package dev.testvm.vsphere.methods;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.SoapCaller;
import java.util.Optional;

/** SearchIndex operations. Both answer "nothing" with an empty response, not a fault. */
public final class SearchIndexMethods {

    private SearchIndexMethods() {}

    /** {@code FindByInventoryPath(inventoryPath)}, e.g. {@code DC0/vm/Templates/x} (no leading slash). */
    public static Optional<MoRef> findByInventoryPath(SoapCaller soap, MoRef searchIndex, String inventoryPath) {
        return Optional.ofNullable(soap.call("FindByInventoryPath", searchIndex,
                w -> w.element("inventoryPath", inventoryPath)).childMoRef("returnval"));
    }

    /** {@code FindByUuid(datacenter, uuid, vmSearch, instanceUuid)} in WSDL order. */
    public static Optional<MoRef> findByUuid(
            SoapCaller soap, MoRef searchIndex, MoRef datacenter, String uuid, boolean vmSearch, boolean instanceUuid) {
        return Optional.ofNullable(soap.call("FindByUuid", searchIndex, w -> w.optionalMoRef("datacenter", datacenter)
                .element("uuid", uuid)
                .element("vmSearch", vmSearch)
                .element("instanceUuid", instanceUuid)).childMoRef("returnval"));
    }
}
