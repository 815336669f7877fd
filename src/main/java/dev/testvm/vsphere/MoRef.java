package dev.testvm.vsphere;

import java.util.Objects;

/** A vSphere managed object reference, e.g. {@code VirtualMachine:vm-42}. */
public record MoRef(String type, String value) {

    public MoRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static MoRef vm(String value) {
        return new MoRef("VirtualMachine", value);
    }

    public static MoRef task(String value) {
        return new MoRef("Task", value);
    }

    /** Parses the {@link #toString()} form {@code Type:value}. */
    public static MoRef parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not a managed object reference (Type:value): " + text);
        }
        return new MoRef(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
