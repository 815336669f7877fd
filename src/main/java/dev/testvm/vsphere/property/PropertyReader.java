package dev.testvm.vsphere.property;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.methods.PropertyCollectorMethods;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.PropertyFilterSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.ObjectSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.PropertySpec;
import dev.testvm.vsphere.types.PropertyFilterSpec.TraversalSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads properties with the session's default property collector: one object, or every object of
 * a type under a container (through a ContainerView), following ContinueRetrievePropertiesEx
 * tokens until the result is complete.
 */
public final class PropertyReader {

    private final Session session;
    private final int pageSize;

    /** @param pageSize maxObjects per page; the server may return fewer */
    public PropertyReader(Session session, int pageSize) {
        this.session = session;
        this.pageSize = pageSize;
    }

    /** The given paths of one object; empty when the object has none of them set. Missing object: ManagedObjectNotFound. */
    public Optional<ObjectContent> read(MoRef object, List<String> paths) {
        List<ObjectContent> all = retrieve(List.of(PropertyFilterSpec.of(object, paths)));
        return all.stream().filter(o -> o.obj().equals(object)).findFirst();
    }

    /**
     * The given paths of each of {@code objects} (all of {@code type}) in one call; objects that no
     * longer exist are left out of the result instead of failing it.
     */
    public List<ObjectContent> readEach(String type, List<MoRef> objects, List<String> paths) {
        if (objects.isEmpty()) {
            return List.of();
        }
        PropertyFilterSpec spec = new PropertyFilterSpec(List.of(new PropertySpec(type, paths)),
                objects.stream().map(ObjectSpec::of).toList(), true);
        return retrieve(List.of(spec));
    }

    /** The given paths of every object of {@code type} below {@code container} (recursively). */
    public List<ObjectContent> readAll(MoRef container, String type, List<String> paths) {
        MoRef view = PropertyCollectorMethods.createContainerView(
                session, session.serviceContent().viewManager(), container, List.of(type), true);
        try {
            PropertyFilterSpec spec = new PropertyFilterSpec(
                    List.of(new PropertySpec(type, paths)),
                    List.of(new ObjectSpec(view, true, List.of(new TraversalSpec("view", "ContainerView", "view", false)))),
                    null);
            return retrieve(List.of(spec));
        } finally {
            PropertyCollectorMethods.destroyView(session, view);
        }
    }

    private List<ObjectContent> retrieve(List<PropertyFilterSpec> specs) {
        MoRef collector = session.serviceContent().propertyCollector();
        ObjectContent.Page page = PropertyCollectorMethods.retrievePropertiesEx(session, collector, specs, pageSize);
        List<ObjectContent> all = new ArrayList<>(page.objects());
        while (page.token() != null) {
            page = PropertyCollectorMethods.continueRetrievePropertiesEx(session, collector, page.token());
            all.addAll(page.objects());
        }
        return all;
    }
}
