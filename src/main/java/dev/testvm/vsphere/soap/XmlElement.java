package dev.testvm.vsphere.soap;

import dev.testvm.vsphere.MoRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One parsed element of a response: just what vim25 responses need (local name, namespace,
 * plain attributes, the resolved {@code xsi:type}, text, children). Immutable.
 *
 * @param xsiType local part of the {@code xsi:type} attribute, found by namespace URI whatever
 *     prefix the server chose (vcsim uses {@code _XMLSchema-instance}), or null
 */
public record XmlElement(
        String namespace, String name, Map<String, String> attributes, String xsiType, String text,
        List<XmlElement> children) {

    public XmlElement {
        attributes = Map.copyOf(attributes);
        children = List.copyOf(children);
        text = text == null ? "" : text;
    }

    /** First child with this local name, or null. */
    public XmlElement child(String localName) {
        for (XmlElement child : children) {
            if (child.name.equals(localName)) {
                return child;
            }
        }
        return null;
    }

    public List<XmlElement> children(String localName) {
        List<XmlElement> found = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.name.equals(localName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** Text of the first child with this name, or null when there is no such child. */
    public String childText(String localName) {
        XmlElement child = child(localName);
        return child == null ? null : child.text;
    }

    public String attribute(String localName) {
        return attributes.get(localName);
    }

    /** Reads this element as a managed object reference ({@code type} attribute + text). */
    public MoRef asMoRef() {
        String type = attribute("type");
        if (type == null) {
            throw new IllegalStateException("element <" + name + "> is not a managed object reference");
        }
        return new MoRef(type, text.trim());
    }

    public MoRef childMoRef(String localName) {
        XmlElement child = child(localName);
        return child == null ? null : child.asMoRef();
    }

    @Override
    public String toString() {
        return "<" + name + (xsiType == null ? "" : " xsi:type=" + xsiType) + "> (" + children.size() + " children)";
    }
}
