package dev.testvm.api;

public enum GuestOsSpec {
    auto,
    linux,
    windows
}
