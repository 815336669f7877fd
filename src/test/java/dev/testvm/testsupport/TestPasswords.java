package dev.testvm.testsupport;

/**
 * The one place tests register the passwords they hand to the operator or the vSphere client
 * (vCenter logins, guest credentials, deliberately wrong ones), so that the secret-leak audit
 * looks for all of them. Passwords in test Secrets are also picked up from the API server by
 * {@link KubeObjectRecorder}.
 */
public final class TestPasswords {

    private TestPasswords() {}

    /** Records {@code password} for the audit and returns it, for use in constant initializers. */
    public static String register(String password) {
        if (password != null && !password.isEmpty()) {
            SuiteRecord.appendLine(SuiteRecord.PASSWORDS, password);
        }
        return password;
    }
}
