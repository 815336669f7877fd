package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;

/** The parts of {@code ServiceContent} this client uses. */
public record ServiceContent(
        MoRef rootFolder,
        MoRef propertyCollector,
        MoRef viewManager,
        MoRef sessionManager,
        MoRef searchIndex,
        MoRef guestOperationsManager,
        String apiVersion,
        String fullName) {

    public static final MoRef SERVICE_INSTANCE = new MoRef("ServiceInstance", "ServiceInstance");

    public static ServiceContent parse(XmlElement returnval) {
        XmlElement about = returnval.child("about");
        return new ServiceContent(
                returnval.childMoRef("rootFolder"),
                returnval.childMoRef("propertyCollector"),
                returnval.childMoRef("viewManager"),
                returnval.childMoRef("sessionManager"),
                returnval.childMoRef("searchIndex"),
                returnval.childMoRef("guestOperationsManager"),
                about == null ? null : about.childText("apiVersion"),
                about == null ? null : about.childText("fullName"));
    }
}
