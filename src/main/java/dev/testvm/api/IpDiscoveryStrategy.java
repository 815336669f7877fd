package dev.testvm.api;

public enum IpDiscoveryStrategy {
    auto,
    tools,
    guestOperations
}
