package dev.testvm.vsphere.soap;

import dev.testvm.vsphere.MoRef;

/**
 * Writes the parameters of one vim25 request. It produces two texts at once: the one sent on the
 * wire and the one that may be logged, in which {@link #secret secret} values are masked. Keeping
 * both in one pass means a password can never leak into a log by a regex missing a case.
 *
 * <p>Elements are written in call order: callers are responsible for WSDL order (the vim25 schema
 * uses {@code xsd:sequence}, and real vCenter rejects out-of-order elements).
 */
public final class XmlWriter {

    static final String MASK = "***";

    private final StringBuilder wire = new StringBuilder(512);
    private final StringBuilder log = new StringBuilder(512);

    /** Opens {@code <name>}. */
    public XmlWriter start(String name) {
        return raw("<" + name + ">");
    }

    /** Opens {@code <name xsi:type="type">}, needed wherever the schema type is abstract or a base type. */
    public XmlWriter start(String name, String xsiType) {
        return raw("<" + name + " xsi:type=\"" + xsiType + "\">");
    }

    public XmlWriter end(String name) {
        return raw("</" + name + ">");
    }

    /** {@code <name>text</name>}, text escaped. */
    public XmlWriter element(String name, String text) {
        return raw("<" + name + ">").text(text).raw("</" + name + ">");
    }

    /** {@code <name xsi:type="type">text</name>}. */
    public XmlWriter element(String name, String xsiType, String text) {
        return start(name, xsiType).text(text).end(name);
    }

    public XmlWriter element(String name, boolean value) {
        return element(name, Boolean.toString(value));
    }

    public XmlWriter element(String name, long value) {
        return element(name, Long.toString(value));
    }

    /** Writes the element only when {@code text} is not null. */
    public XmlWriter optional(String name, Object value) {
        return value == null ? this : element(name, value.toString());
    }

    /** A managed object reference: {@code <name type="Type">value</name>}. */
    public XmlWriter moRef(String name, MoRef ref) {
        return raw("<" + name + " type=\"" + escape(ref.type()) + "\">").text(ref.value()).raw("</" + name + ">");
    }

    public XmlWriter optionalMoRef(String name, MoRef ref) {
        return ref == null ? this : moRef(name, ref);
    }

    /** Like {@link #element(String, String)} but the log copy shows {@value #MASK} instead of the value. */
    public XmlWriter secret(String name, String text) {
        String open = "<" + name + ">";
        String close = "</" + name + ">";
        wire.append(open).append(escape(text)).append(close);
        log.append(open).append(MASK).append(close);
        return this;
    }

    /** Like {@link #element(String, String, String)} but the log copy shows {@value #MASK} instead of the value. */
    public XmlWriter secret(String name, String xsiType, String text) {
        String open = "<" + name + " xsi:type=\"" + xsiType + "\">";
        String close = "</" + name + ">";
        wire.append(open).append(escape(text)).append(close);
        log.append(open).append(MASK).append(close);
        return this;
    }

    private XmlWriter text(String text) {
        String escaped = escape(text);
        wire.append(escaped);
        log.append(escaped);
        return this;
    }

    private XmlWriter raw(String markup) {
        wire.append(markup);
        log.append(markup);
        return this;
    }

    /** The text to send. */
    public String wireText() {
        return wire.toString();
    }

    /** The text to log: identical to {@link #wireText()} except for masked secrets. */
    public String logText() {
        return log.toString();
    }

    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                default -> null;
            };
            if (replacement != null || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(replacement != null ? replacement : "&#" + (int) c + ";");
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
