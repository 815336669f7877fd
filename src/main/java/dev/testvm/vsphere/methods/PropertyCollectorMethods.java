package dev.testvm.vsphere.methods;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.SoapCaller;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.soap.XmlWriter;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.PropertyFilterSpec;
import dev.testvm.vsphere.types.UpdateSet;
import java.time.Duration;
import java.util.List;

/** PropertyCollector, PropertyFilter and ViewManager operations. */
public final class PropertyCollectorMethods {

    private PropertyCollectorMethods() {}

    /** {@code RetrievePropertiesEx(specSet, options{maxObjects})}; maxObjects 0 = server's choice. */
    public static ObjectContent.Page retrievePropertiesEx(
            SoapCaller soap, MoRef collector, List<PropertyFilterSpec> specs, int maxObjects) {
        return ObjectContent.Page.parse(soap.call("RetrievePropertiesEx", collector, w -> {
            for (PropertyFilterSpec spec : specs) {
                spec.write(w, "specSet");
            }
            w.start("options");
            if (maxObjects > 0) {
                w.element("maxObjects", maxObjects);
            }
            w.end("options");
        }).child("returnval"));
    }

    public static ObjectContent.Page continueRetrievePropertiesEx(SoapCaller soap, MoRef collector, String token) {
        return ObjectContent.Page.parse(soap.call("ContinueRetrievePropertiesEx", collector,
                w -> w.element("token", token)).child("returnval"));
    }

    public static MoRef createPropertyCollector(SoapCaller soap, MoRef collector) {
        return soap.call("CreatePropertyCollector", collector, w -> {}).childMoRef("returnval");
    }

    public static void destroyPropertyCollector(SoapCaller soap, MoRef collector) {
        soap.call("DestroyPropertyCollector", collector, w -> {});
    }

    /** {@code CreateFilter(spec, partialUpdates)}. */
    public static MoRef createFilter(SoapCaller soap, MoRef collector, PropertyFilterSpec spec, boolean partialUpdates) {
        return soap.call("CreateFilter", collector, w -> {
            spec.write(w, "spec");
            w.element("partialUpdates", partialUpdates);
        }).childMoRef("returnval");
    }

    /**
     * {@code WaitForUpdatesEx(version, options{maxWaitSeconds})}; null when maxWaitSeconds passed
     * without a change (the response then has no returnval).
     */
    public static UpdateSet waitForUpdatesEx(SoapCaller soap, MoRef collector, String version, int maxWaitSeconds) {
        Duration timeout = Duration.ofSeconds(maxWaitSeconds + 30L);
        return UpdateSet.parse(soap.call("WaitForUpdatesEx", collector, w -> writeWait(w, version, maxWaitSeconds), timeout));
    }

    static void writeWait(XmlWriter w, String version, int maxWaitSeconds) {
        w.optional("version", version == null || version.isEmpty() ? null : version)
                .start("options").element("maxWaitSeconds", maxWaitSeconds).end("options");
    }

    /** {@code ViewManager.CreateContainerView(container, type[], recursive)}. */
    public static MoRef createContainerView(SoapCaller soap, MoRef viewManager, MoRef container, List<String> types, boolean recursive) {
        return soap.call("CreateContainerView", viewManager, w -> {
            w.moRef("container", container);
            for (String type : types) {
                w.element("type", type);
            }
            w.element("recursive", recursive);
        }).childMoRef("returnval");
    }

    /** {@code ViewManager.CreateListView(obj[])}. */
    public static MoRef createListView(SoapCaller soap, MoRef viewManager, List<MoRef> objects) {
        return soap.call("CreateListView", viewManager, w -> {
            for (MoRef obj : objects) {
                w.moRef("obj", obj);
            }
        }).childMoRef("returnval");
    }

    /** {@code ListView.ModifyListView(add[], remove[])}; returns the objects that could not be added. */
    public static List<MoRef> modifyListView(SoapCaller soap, MoRef view, List<MoRef> add, List<MoRef> remove) {
        XmlElement response = soap.call("ModifyListView", view, w -> {
            for (MoRef obj : add) {
                w.moRef("add", obj);
            }
            for (MoRef obj : remove) {
                w.moRef("remove", obj);
            }
        });
        return response.children("returnval").stream().map(XmlElement::asMoRef).toList();
    }

    public static void destroyView(SoapCaller soap, MoRef view) {
        soap.call("DestroyView", view, w -> {});
    }
}
