package dev.testvm.discovery;

import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.discovery.GuestProgramRunner.RunStep;
import dev.testvm.discovery.GuestProgramRunner.Slot;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code spec.readiness.command}: runs a command in the guest through guest operations, one
 * non-blocking step at a time, and says whether it exited 0. A failing command is run again
 * after a doubling pause (the service may just be starting), so a guest is not flooded with
 * processes while it boots.
 */
public final class GuestCommandProbe {

    static final String WHAT = "readiness command";

    public enum State { PASSED, FAILED, RUNNING }

    /**
     * @param lastLine the last non-blank line the command printed ("" if none), never the password
     * @param message for a condition: what happened
     */
    public record Result(State state, String lastLine, String message, Duration retryAfter) {}

    private final GuestProgramRunner runner;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    /** The last finished run's message: while the next one runs, that is still the news. */
    private final Map<String, String> lastFinished = new ConcurrentHashMap<>();

    public GuestCommandProbe(DiscoverySettings settings) {
        this.runner = new GuestProgramRunner(settings, Clock.systemUTC(), new AttemptIds());
    }

    public Result step(GuestTarget target, GuestOs os, String command) {
        Objects.requireNonNull(command, "command");
        Slot slot = slots.computeIfAbsent(target.key(), key -> runner.newSlot());
        synchronized (slot) {
            Result result = run(slot, target, os, command);
            if (result.state() != State.RUNNING) {
                lastFinished.put(target.key(), result.message());
                return result;
            }
            String last = lastFinished.get(target.key());
            return last == null ? result : new Result(State.RUNNING, "", last + " (running it again)", result.retryAfter());
        }
    }

    private Result run(Slot slot, GuestTarget target, GuestOs os, String command) {
        RunStep step = runner.step(slot, target, WHAT, id -> GuestCommands.wrap(os, command, id));
        if (step instanceof RunStep.Exited exited) {
            String last = Redaction.redact(GuestOutput.lastLine(exited.output()), target.credentials());
            if (exited.exitCode() == 0) {
                slot.retry.reset();
                return new Result(State.PASSED, last, WHAT + " exited 0" + (last.isEmpty() ? "" : ": " + last), Duration.ZERO);
            }
            return new Result(State.FAILED, last, WHAT + " exited with code " + exited.exitCode()
                    + (last.isEmpty() ? "" : ": " + last), slot.retry.next());
        }
        if (step instanceof RunStep.HostRefused) {
            // Output is fetched only after an exit 0, and the exit code came through vCenter: the
            // command passed even though the VM's ESXi host would not serve its output file.
            slot.retry.reset();
            return new Result(State.PASSED, "", WHAT + " exited 0 (its output was not read: the VM's ESXi host does not"
                    + " serve guest files to the operator)", Duration.ZERO);
        }
        DiscoveryOutcome outcome = GuestOpsDiscovery.translate(step, WHAT, target);
        if (outcome instanceof NotYet notYet) {
            return new Result(State.RUNNING, "", notYet.why(), notYet.retryAfter());
        }
        return new Result(State.FAILED, "", describe(outcome), slot.retry.next());
    }

    public void forget(String key) {
        slots.remove(key);
        lastFinished.remove(key);
        runner.forget(key);
    }

    private static String describe(DiscoveryOutcome outcome) {
        if (outcome instanceof DiscoveryOutcome.CommandFailed failed) {
            return failed.message();
        }
        if (outcome instanceof DiscoveryOutcome.CredentialsRejected rejected) {
            return "the guest refused the credentials for the " + WHAT + ": " + rejected.message();
        }
        if (outcome instanceof DiscoveryOutcome.GuestOperationsError error) {
            return "guest operations failed for the " + WHAT + ": " + error.message();
        }
        return outcome.toString();
    }
}
