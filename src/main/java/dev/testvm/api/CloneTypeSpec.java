package dev.testvm.api;

/** Lower-case constants because they are the CRD's enum values as users write them. */
public enum CloneTypeSpec {
    full,
    linked,
    instant
}
