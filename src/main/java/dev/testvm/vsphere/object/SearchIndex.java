package dev.testvm.vsphere.object;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.methods.SearchIndexMethods;
import dev.testvm.vsphere.session.Session;
import java.util.Optional;

/** The inventory lookups the operator needs. */
public final class SearchIndex {

    private final Session session;

    public SearchIndex(Session session) {
        this.session = session;
    }

    public Optional<MoRef> byInventoryPath(String path) {
        // FindByInventoryPath wants "DC0/vm/x"; a leading slash finds nothing, so drop it.
        String p = path.startsWith("/") ? path.substring(1) : path;
        return SearchIndexMethods.findByInventoryPath(session, session.serviceContent().searchIndex(), p);
    }

    /** {@code FindByUuid} with {@code vmSearch=true, instanceUuid=true} across all datacenters. */
    public Optional<MoRef> vmByInstanceUuid(String instanceUuid) {
        return SearchIndexMethods.findByUuid(session, session.serviceContent().searchIndex(), null, instanceUuid, true, true);
    }
}
