package dev.testvm.api;

public enum IpFamily {
    IPv4,
    IPv6,
    any
}
