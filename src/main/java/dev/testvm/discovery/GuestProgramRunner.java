package dev.testvm.discovery;

import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.FaultKind;
import dev.testvm.vsphere.fault.FileNotFoundException;
import dev.testvm.vsphere.fault.GuestFileTooLargeException;
import dev.testvm.vsphere.fault.GuestOperationsUnavailableException;
import dev.testvm.vsphere.fault.GuestPermissionDeniedException;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.fault.TooManyGuestLogonsException;
import dev.testvm.vsphere.transfer.GuestFileHostFault;
import dev.testvm.vsphere.transfer.GuestFileTransferException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a program in a guest one step at a time: each {@link #step} makes at most a few quick
 * guest-operation calls and reports where things stand, so the reconciler thread never waits
 * for the guest. The program in flight is remembered in a {@link Slot} owned by the caller.
 *
 * <p>{@link dev.testvm.vsphere.VCenterUnreachableException} is not caught: the reconciler deals
 * with an unreachable vCenter, and the slot keeps the attempt so the next step polls it again.
 */
final class GuestProgramRunner {

    private static final Logger LOG = Logger.getLogger(GuestProgramRunner.class);

    /** Faults that only mean "the guest is not ready for this yet" while a VM boots (InvalidState covers InvalidPowerState). */
    private static boolean guestNotReadyYet(VimFaultException fault) {
        return fault instanceof GuestOperationsUnavailableException || fault instanceof InvalidStateException
                || fault instanceof FileNotFoundException || fault instanceof TooManyGuestLogonsException
                || FaultKind.of(fault) == FaultKind.TRANSIENT;
    }

    private static boolean credentialsRefused(VimFaultException fault) {
        return fault instanceof InvalidGuestLoginException || fault instanceof GuestPermissionDeniedException;
    }

    record Attempt(long pid, String outputPath, Instant startedAt) {}

    /**
     * Per-key state. {@code retry} paces attempts (boot faults, empty output) and is reset only by
     * success; {@code poll} paces the polls of one running program. Callers hold the slot's
     * monitor while stepping it.
     */
    static final class Slot {
        Attempt attempt;
        final Backoff poll;
        final Backoff retry;
        /** Spacing of attempts after failed ones (see {@link GuestOpsDiscovery}). */
        final Backoff failures = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        /** Answers without an address since the last one with (see {@link GuestOpsDiscovery}). */
        int emptyAnswers;
        /** No new attempt before this, after a failed one; null when the last attempt did not fail. */
        Instant nextAttemptAfterFailure;

        Slot(Duration firstPoll, Duration initial, Duration max) {
            // Polls of a running program start at the first-poll delay and double: most programs
            // end within the first second, and each poll skipped there is latency added.
            Duration pollStart = firstPoll.compareTo(initial) < 0 ? firstPoll : initial;
            this.poll = new Backoff(pollStart, max);
            this.retry = new Backoff(initial, max);
        }
    }

    /** This runner's clock, for callers that space attempts. */
    Instant now() {
        return clock.instant();
    }

    sealed interface RunStep {
        /** Nothing to report yet: step again after {@code retryAfter}. */
        record Waiting(Duration retryAfter, String why) implements RunStep {}

        /** @param output "" when it could not be read */
        record Exited(int exitCode, String output) implements RunStep {}

        record TimedOut(Duration limit) implements RunStep {}

        /** The program ended, but its output was longer than the operator reads ({@code limit} bytes). */
        record OutputTooLarge(int exitCode, long limit) implements RunStep {}

        record Rejected(String message) implements RunStep {}

        record Faulted(String faultType, String message) implements RunStep {}

        /**
         * The program exited 0 (its output is fetched only then, and the exit code came through
         * vCenter), but the VM's ESXi host would not serve its output file.
         */
        record HostRefused(GuestFileHostFault fault, String message) implements RunStep {}
    }

    /** One daemon thread for the operator's deletions of read output files; they are quick and few. */
    static final Executor BACKGROUND = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "guest-file-cleanup");
        thread.setDaemon(true);
        return thread;
    });

    private final Executor cleanup;
    private final DiscoverySettings settings;
    private final Clock clock;
    private final Supplier<String> attemptIds;
    private final CredentialRejections rejections = new CredentialRejections();

    GuestProgramRunner(DiscoverySettings settings, Clock clock, Supplier<String> attemptIds) {
        this(settings, clock, attemptIds, Runnable::run);
    }

    /**
     * @param cleanup runs the deletion of a program's output file once its output is read, so the
     *     answer goes to the caller without waiting for one more vCenter round trip ({@link #BACKGROUND}
     *     in the operator; tests pass {@code Runnable::run} to see the deletion at once)
     */
    GuestProgramRunner(DiscoverySettings settings, Clock clock, Supplier<String> attemptIds, Executor cleanup) {
        this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.attemptIds = Objects.requireNonNull(attemptIds, "attemptIds");
    }

    Slot newSlot() {
        return new Slot(settings.firstPollDelay(), settings.initialBackoff(), settings.maxBackoff());
    }

    /** Drops what is remembered about {@code key}'s credentials. */
    void forget(String key) {
        rejections.forget(key);
    }

    /** The earlier refusal's message while the same credentials are offered again. */
    Optional<String> stillRejected(GuestTarget target) {
        return rejections.stillRejected(target);
    }

    /**
     * @param what names the program in messages, e.g. "IP discovery command"
     * @param commandFor builds the wrapped command for a fresh attempt id
     */
    RunStep step(Slot slot, GuestTarget target, String what, Function<String, GuestCommand> commandFor) {
        Optional<String> rejected = rejections.stillRejected(target);
        if (rejected.isPresent()) {
            slot.attempt = null;
            return new RunStep.Rejected(rejected.get());
        }
        if (slot.attempt == null) {
            return start(slot, target, what, commandFor);
        }
        return poll(slot, target, what);
    }

    private RunStep start(Slot slot, GuestTarget target, String what, Function<String, GuestCommand> commandFor) {
        // Until Tools run there is nothing to try: the property change that says they do wakes the
        // reconciler (the delay is only the backstop). Waiting here must not use up the retry
        // backoff, or the first real attempts after a 20 s boot would already be spaced at the cap.
        if (target.info().powerState() != PowerState.POWERED_ON) {
            return new RunStep.Waiting(settings.toolsRecheck(), "VM is not powered on");
        }
        if (!target.info().toolsRunning()) {
            return new RunStep.Waiting(settings.toolsRecheck(), "VMware Tools are not running yet");
        }
        if (!target.info().guestOperationsReady()) {
            return new RunStep.Waiting(settings.toolsRecheck(), "guest operations are not ready yet");
        }
        GuestCommand command = commandFor.apply(attemptIds.get());
        long pid;
        try {
            pid = target.vcenter().startProgramInGuest(
                    target.vm(), target.credentials(), command.programPath(), command.arguments());
        } catch (VimFaultException e) {
            return onFault(slot, target, e, "starting the " + what);
        }
        slot.attempt = new Attempt(pid, command.outputPath(), clock.instant());
        slot.poll.reset();
        LOG.debugf("%s: started %s as pid %d in %s", target.key(), what, pid, target.vm());
        return new RunStep.Waiting(settings.firstPollDelay(), what + " started (pid " + pid + ")");
    }

    private RunStep poll(Slot slot, GuestTarget target, String what) {
        Attempt attempt = slot.attempt;
        List<GuestProcess> processes;
        try {
            processes = target.vcenter().listProcessesInGuest(
                    target.vm(), target.credentials(), List.of(attempt.pid()));
        } catch (VimFaultException e) {
            return onFault(slot, target, e, "polling the " + what);
        }
        GuestProcess process = processes.stream().filter(p -> p.pid() == attempt.pid()).findFirst().orElse(null);
        if (process == null) {
            // Tools forget a process after a guest reboot or a Tools restart: start over.
            slot.attempt = null;
            return new RunStep.Waiting(slot.retry.next(), what + " (pid " + attempt.pid() + ") vanished from the guest");
        }
        if (!process.finished()) {
            Duration running = Duration.between(attempt.startedAt(), clock.instant());
            if (running.compareTo(settings.commandTimeout()) > 0) {
                // Stopped, not abandoned: a command that never exits would otherwise leave one
                // process and one output file behind per attempt.
                slot.attempt = null;
                LOG.infof("%s: %s (pid %d) still running after %s; terminating it",
                        target.key(), what, attempt.pid(), settings.commandTimeout());
                terminateQuietly(target, attempt);
                deleteQuietly(target, attempt);
                return new RunStep.TimedOut(settings.commandTimeout());
            }
            return new RunStep.Waiting(slot.poll.next(), what + " still running (pid " + attempt.pid() + ")");
        }
        int exitCode = process.exitCode() == null ? 0 : process.exitCode();
        return exitCode == 0 ? collect(slot, target, what, attempt) : collectFailure(slot, target, attempt, exitCode);
    }

    private RunStep collect(Slot slot, GuestTarget target, String what, Attempt attempt) {
        if (attempt.outputPath() == null) {
            // A program run for its effect (e.g. making Tools publish): nothing to fetch.
            slot.attempt = null;
            return new RunStep.Exited(0, "");
        }
        byte[] bytes;
        try {
            bytes = target.vcenter().downloadFileFromGuest(target.vm(), target.credentials(), attempt.outputPath());
        } catch (GuestFileTooLargeException e) {
            return tooLarge(slot, target, attempt, 0, e);
        } catch (GuestFileTransferException e) {
            // The ESXi host would not serve the file, but deleting it goes through vCenter: the
            // file must not stay behind in the guest because another channel takes over.
            deleteQuietly(target, attempt);
            slot.attempt = null;
            return new RunStep.HostRefused(e.hostFault(), describe(e, "downloading the output of the " + what, target));
        } catch (VimFaultException e) {
            return onFault(slot, target, e, "downloading the output of the " + what);
        }
        slot.attempt = null;
        cleanup.execute(() -> deleteQuietly(target, attempt));
        return new RunStep.Exited(0, GuestOutput.decode(bytes));
    }

    private RunStep collectFailure(Slot slot, GuestTarget target, Attempt attempt, int exitCode) {
        slot.attempt = null;
        if (attempt.outputPath() == null) {
            return new RunStep.Exited(exitCode, "");
        }
        String output = "";
        try {
            output = GuestOutput.decode(
                    target.vcenter().downloadFileFromGuest(target.vm(), target.credentials(), attempt.outputPath()));
        } catch (GuestFileTooLargeException e) {
            return tooLarge(slot, target, attempt, exitCode, e);
        } catch (VimFaultException e) {
            // The exit code is the news; the output would only have explained it.
            LOG.debugf("%s: could not read the output of pid %d: %s", target.key(), attempt.pid(), e.getMessage());
        }
        deleteQuietly(target, attempt);
        return new RunStep.Exited(exitCode, output);
    }

    /** The output file is deleted all the same: left behind, megabytes would pile up in the guest. */
    private RunStep tooLarge(Slot slot, GuestTarget target, Attempt attempt, int exitCode, GuestFileTooLargeException e) {
        slot.attempt = null;
        deleteQuietly(target, attempt);
        return new RunStep.OutputTooLarge(exitCode, e.limit());
    }

    private void terminateQuietly(GuestTarget target, Attempt attempt) {
        try {
            target.vcenter().terminateProcessInGuest(target.vm(), target.credentials(), attempt.pid());
        } catch (VimFaultException e) {
            // It may have ended just now; the next attempt goes ahead either way.
            LOG.infof("%s: could not terminate pid %d in the guest: %s", target.key(), attempt.pid(), e.getMessage());
        }
    }

    private void deleteQuietly(GuestTarget target, Attempt attempt) {
        try {
            target.vcenter().deleteFileInGuest(target.vm(), target.credentials(), attempt.outputPath());
        } catch (VimFaultException e) {
            // A leftover file in the guest's temp directory harms nobody; discovery goes on.
            LOG.infof("%s: could not delete %s in the guest: %s", target.key(), attempt.outputPath(), e.getMessage());
        }
    }

    private RunStep onFault(Slot slot, GuestTarget target, VimFaultException fault, String doing) {
        slot.attempt = null;
        String type = faultName(fault);
        String message = describe(fault, doing, target);
        if (guestNotReadyYet(fault)) {
            return new RunStep.Waiting(slot.retry.next(), message);
        }
        if (credentialsRefused(fault)) {
            rejections.reject(target, message);
            LOG.infof("%s: guest refused the credentials of user %s (%s); not retrying until they change",
                    target.key(), target.credentials().username(), type);
            return new RunStep.Rejected(message);
        }
        return new RunStep.Faulted(type, message);
    }

    private static String faultName(VimFaultException fault) {
        return fault.faultType() == null ? "UnknownFault" : fault.faultType();
    }

    /** "{@code <fault> while <doing>: <vCenter's message>}", without the guest password. */
    private static String describe(VimFaultException fault, String doing, GuestTarget target) {
        String detail = Redaction.redact(fault.faultMessage(), target.credentials());
        return faultName(fault) + " while " + doing + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }
}
