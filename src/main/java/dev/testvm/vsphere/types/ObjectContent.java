package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object of a {@code RetrievePropertiesEx} result: its properties by path, each as the raw
 * {@code val} element (read it with {@link Values}). Unset properties are simply absent.
 */
public record ObjectContent(MoRef obj, Map<String, XmlElement> properties) {

    public static ObjectContent parse(XmlElement objects) {
        Map<String, XmlElement> props = new LinkedHashMap<>();
        for (XmlElement prop : objects.children("propSet")) {
            XmlElement val = prop.child("val");
            if (val != null) {
                props.put(prop.childText("name"), val);
            }
        }
        return new ObjectContent(objects.childMoRef("obj"), props);
    }

    public XmlElement get(String path) {
        return properties.get(path);
    }

    /** A {@code RetrieveResult}: the objects of one page plus the token for the next (null at the end). */
    public record Page(List<ObjectContent> objects, String token) {
        public static Page parse(XmlElement returnval) {
            if (returnval == null) {
                return new Page(List.of(), null);
            }
            List<ObjectContent> objects = returnval.children("objects").stream().map(ObjectContent::parse).toList();
            String token = returnval.childText("token");
            return new Page(objects, token == null || token.isBlank() ? null : token);
        }
    }
}
