package dev.testvm.vcenters;

/**
 * A VCenter that cannot be connected as configured (Secret missing, key missing, CA bundle
 * unreadable): reason and message for its {@code Connected} condition. Messages name the Secret
 * and its keys, never their values.
 */
final class SetupProblem extends Exception {

    private final String reason;

    SetupProblem(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
