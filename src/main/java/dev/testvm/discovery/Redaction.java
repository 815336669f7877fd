package dev.testvm.discovery;

import dev.testvm.vsphere.GuestCredentials;

/**
 * Last line of defence for messages that end up in conditions and logs: a guest command's
 * output or a fault text may echo what it was given, and the password must never be shown.
 */
final class Redaction {

    static final String MASK = "***";

    private Redaction() {}

    static String redact(String text, GuestCredentials credentials) {
        if (text == null || credentials == null || credentials.password().isEmpty()) {
            return text;
        }
        return text.replace(credentials.password(), MASK);
    }
}
