package dev.testvm.vsphere;

public enum PowerState {
    POWERED_ON("poweredOn"),
    POWERED_OFF("poweredOff"),
    SUSPENDED("suspended");

    private final String wireName;

    PowerState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static PowerState fromWire(String value) {
        for (PowerState state : values()) {
            if (state.wireName.equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown power state: " + value);
    }
}
