package dev.testvm.reconciler.status;

/**
 * A problem a step reports to the user through status: {@code reason} becomes the condition
 * reason, {@code message} names the offending field. Terminal problems end in phase Failed;
 * others keep Ready=False and are retried with backoff.
 */
public class TestVMProblem extends RuntimeException {

    private final String reason;
    private final boolean terminal;

    private TestVMProblem(String reason, String message, boolean terminal, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.terminal = terminal;
    }

    public static TestVMProblem terminal(String reason, String message) {
        return new TestVMProblem(reason, message, true, null);
    }

    public static TestVMProblem retryable(String reason, String message, Throwable cause) {
        return new TestVMProblem(reason, message, false, cause);
    }

    public String reason() {
        return reason;
    }

    public boolean terminal() {
        return terminal;
    }
}
