package dev.testvm.vsphere.soap;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses a response body into {@link XmlElement}s with a namespace-aware StAX reader. Namespace
 * awareness is the point: servers pick arbitrary prefixes for {@code xsi}, so the type attribute
 * is found by its namespace URI, never by the literal text {@code xsi:type}. DTDs and external
 * entities are refused (the body comes from the network).
 */
public final class XmlParser {

    static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

    private static final XMLInputFactory FACTORY = createFactory();

    private XmlParser() {}

    private static XMLInputFactory createFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return factory;
    }

    public static XmlElement parse(byte[] body) {
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                return read(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("response is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static XmlElement read(XMLStreamReader reader) throws XMLStreamException {
        Deque<Builder> stack = new ArrayDeque<>();
        XmlElement root = null;
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> stack.push(Builder.start(reader));
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (!stack.isEmpty()) {
                        stack.peek().text.append(reader.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    XmlElement done = stack.pop().build();
                    if (stack.isEmpty()) {
                        root = done;
                    } else {
                        stack.peek().children.add(done);
                    }
                }
                default -> {
                    // comments, processing instructions, whitespace outside the root: nothing to keep
                }
            }
        }
        if (root == null) {
            throw new IllegalArgumentException("response has no root element");
        }
        return root;
    }

    private static final class Builder {
        final String namespace;
        final String name;
        final Map<String, String> attributes = new HashMap<>();
        String xsiType;
        final StringBuilder text = new StringBuilder();
        final List<XmlElement> children = new ArrayList<>();

        private Builder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        static Builder start(XMLStreamReader reader) {
            Builder b = new Builder(reader.getNamespaceURI(), reader.getLocalName());
            for (int i = 0; i < reader.getAttributeCount(); i++) {
                String ns = reader.getAttributeNamespace(i);
                String local = reader.getAttributeLocalName(i);
                String value = reader.getAttributeValue(i);
                if (XSI_NS.equals(ns)) {
                    if ("type".equals(local)) {
                        int colon = value.indexOf(':');
                        b.xsiType = colon < 0 ? value : value.substring(colon + 1);
                    }
                } else if (ns == null || ns.isEmpty()) {
                    b.attributes.put(local, value);
                }
            }
            return b;
        }

        XmlElement build() {
            // Text is only meaningful on leaves; mixed content does not occur in vim25.
            String t = children.isEmpty() ? text.toString() : "";
            return new XmlElement(namespace, name, attributes, xsiType, t, children);
        }
    }
}
