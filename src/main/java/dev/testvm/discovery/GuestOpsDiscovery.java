package dev.testvm.discovery;

import dev.testvm.discovery.DiscoveryOutcome.CommandFailed;
import dev.testvm.discovery.DiscoveryOutcome.CredentialsRejected;
import dev.testvm.discovery.DiscoveryOutcome.Found;
import dev.testvm.discovery.DiscoveryOutcome.GuestOperationsError;
import dev.testvm.discovery.DiscoveryOutcome.HostRefused;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.discovery.GuestProgramRunner.RunStep;
import dev.testvm.discovery.GuestProgramRunner.Slot;
import dev.testvm.vsphere.fault.GuestFileTooLargeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Active IP discovery: runs the discovery command in the guest through guest operations and
 * reads the address from its output, seconds before VMware Tools would publish it.
 *
 * <p>Non-blocking: call {@link #step} on every reconcile of a TestVM waiting for its IP and
 * requeue after {@link NotYet#retryAfter()}. The attempt in flight is kept in memory per key; an
 * operator restart merely starts a fresh attempt.
 */
public final class GuestOpsDiscovery {

    static final String WHAT = "IP discovery command";

    private final GuestProgramRunner runner;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    public GuestOpsDiscovery(DiscoverySettings settings) {
        this(new GuestProgramRunner(settings, Clock.systemUTC(), new AttemptIds()));
    }

    GuestOpsDiscovery(GuestProgramRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * After an answer without an address, the next attempt starts at once (in the same step) this
     * many times in a row; only then are attempts spaced by the retry backoff. A guest usually gets
     * its address within a second or two of Tools starting, and every pause there is added to how
     * late the address is seen. On Linux an attempt takes ~0.2 s and 4 calls, so this is ~2 s of
     * back-to-back attempts; on Windows, where a process start alone takes seconds, a pause would
     * gain nothing anyway.
     */
    static final int BACK_TO_BACK_ATTEMPTS = 8;

    /**
     * One step of discovery for {@code target}.
     *
     * @param commandOverride replaces the OS default command when not blank
     * @return {@link Found}, {@link NotYet}, {@link CredentialsRejected}, {@link CommandFailed},
     *     {@link HostRefused} or {@link GuestOperationsError}; after anything but NotYet the next step starts a new
     *     attempt (except for rejected credentials, which stay rejected until their version changes)
     */
    public DiscoveryOutcome step(GuestTarget target, GuestOs os, String commandOverride, IpFilter filter) {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(filter, "filter");
        String command = GuestCommands.discoveryCommand(os, commandOverride);
        Function<String, GuestCommand> commandFor = id -> GuestCommands.wrap(os, command, id);
        Slot slot = slots.computeIfAbsent(target.key(), key -> runner.newSlot());
        synchronized (slot) {
            Optional<NotYet> pause = pauseAfterFailure(slot);
            if (pause.isPresent()) {
                return pause.get();
            }
            RunStep step = runner.step(slot, target, WHAT, commandFor);
            if (step instanceof RunStep.Exited exited && exited.exitCode() == 0) {
                IpChoice choice = filter.choose(IpScanner.scan(exited.output()),
                        IpScanner.macsByAddress(exited.output()), target.info());
                if (choice.found()) {
                    slot.retry.reset();
                    slot.emptyAnswers = 0;
                    return new Found(choice.ip(), choice.addresses(), IpSource.GUEST_OPERATIONS);
                }
                return noAddressYet(slot, target, commandFor, "guest command output: " + choice.whyNot());
            }
            return spaceFailures(slot, translate(step, WHAT, target));
        }
    }

    /** See {@link #BACK_TO_BACK_ATTEMPTS}. */
    private DiscoveryOutcome noAddressYet(Slot slot, GuestTarget target, Function<String, GuestCommand> commandFor,
            String why) {
        if (++slot.emptyAnswers > BACK_TO_BACK_ATTEMPTS) {
            return new NotYet(slot.retry.next(), why);
        }
        RunStep next = runner.step(slot, target, WHAT, commandFor);
        if (next instanceof RunStep.Waiting waiting) {
            return new NotYet(waiting.retryAfter(), why + "; " + Redaction.redact(waiting.why(), target.credentials()));
        }
        return spaceFailures(slot, translate(next, WHAT, target));
    }

    /**
     * A command that fails (non-zero exit, timeout, output too large) is not re-run at once: the next
     * attempt waits 1 s, doubling per consecutive failure up to 30 s (VMware Tools' own poll, beyond
     * which active discovery gains nothing). Without this a failing custom command ran every few
     * hundred milliseconds, writing status and Events each time.
     */
    private DiscoveryOutcome spaceFailures(Slot slot, DiscoveryOutcome outcome) {
        if (outcome instanceof CommandFailed) {
            slot.nextAttemptAfterFailure = runner.now().plus(slot.failures.next());
        } else if (!(outcome instanceof NotYet)) {
            slot.failures.reset();
            slot.nextAttemptAfterFailure = null;
        }
        return outcome;
    }

    private Optional<NotYet> pauseAfterFailure(Slot slot) {
        if (slot.attempt != null || slot.nextAttemptAfterFailure == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(runner.now(), slot.nextAttemptAfterFailure);
        if (left.isNegative() || left.isZero()) {
            return Optional.empty();
        }
        return Optional.of(new NotYet(left, WHAT + " failed on its last attempt; the next one starts in "
                + Math.max(1, (left.toMillis() + 999) / 1000) + " s"));
    }

    /** Forgets the attempt in flight and remembered credentials of {@code key}. */
    public void forget(String key) {
        slots.remove(key);
        runner.forget(key);
    }

    /** The refusal's message while {@code target}'s credentials are the ones the guest refused. */
    java.util.Optional<String> stillRejected(GuestTarget target) {
        return runner.stillRejected(target);
    }

    /** Whether a program of {@code key}'s is running in the guest right now. */
    boolean inFlight(String key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            return slot.attempt != null;
        }
    }

    /** Abandons the attempt in flight (another source won) but keeps credential memory. */
    void dropAttempt(String key) {
        slots.remove(key);
    }

    /** Maps what the runner saw to an outcome; shared with {@link NetworkRefresh}. */
    static DiscoveryOutcome translate(RunStep step, String what, GuestTarget target) {
        if (step instanceof RunStep.Waiting waiting) {
            return new NotYet(waiting.retryAfter(), Redaction.redact(waiting.why(), target.credentials()));
        }
        if (step instanceof RunStep.Exited exited) {
            String firstLine = Redaction.redact(GuestOutput.firstLine(exited.output()), target.credentials());
            return new CommandFailed(exited.exitCode(), firstLine,
                    what + " exited with code " + exited.exitCode() + (firstLine.isEmpty() ? "" : ": " + firstLine));
        }
        if (step instanceof RunStep.TimedOut timedOut) {
            return new CommandFailed(null, "", what + " timed out: still running after " + timedOut.limit().toSeconds() + "s");
        }
        if (step instanceof RunStep.OutputTooLarge tooLarge) {
            return new CommandFailed(tooLarge.exitCode(), "", what + " printed more than "
                    + GuestFileTooLargeException.describe(tooLarge.limit()) + ", the most the operator reads from a guest command;"
                    + " make it print only the network configuration");
        }
        if (step instanceof RunStep.Rejected rejected) {
            return new CredentialsRejected(Redaction.redact(rejected.message(), target.credentials()));
        }
        if (step instanceof RunStep.HostRefused refused) {
            return new HostRefused(refused.fault(), Redaction.redact(refused.message(), target.credentials()));
        }
        RunStep.Faulted faulted = (RunStep.Faulted) step;
        return new GuestOperationsError(faulted.faultType(), Redaction.redact(faulted.message(), target.credentials()));
    }
}
