package dev.testvm.policy;

/**
 * Why a VCenter refuses a TestVM: the TestVM's field and the VCenter's rule it broke, in a message
 * a TestVM author can act on.
 */
public record Refusal(String field, String rule, String message) {}
