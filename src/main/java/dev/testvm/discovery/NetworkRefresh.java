package dev.testvm.discovery;

import dev.testvm.discovery.DiscoveryOutcome.CommandFailed;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.discovery.GuestProgramRunner.RunStep;
import dev.testvm.discovery.GuestProgramRunner.Slot;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes an instant clone's guest notice its new NIC before discovery starts: an instant clone
 * resumes with its parent's memory, so until the driver is reloaded and DHCP renewed it still
 * holds the parent's address. The command runs once per key, through guest operations.
 */
public final class NetworkRefresh {

    static final String WHAT = "network refresh command";

    private final GuestProgramRunner runner;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    public NetworkRefresh(DiscoverySettings settings) {
        this(new GuestProgramRunner(settings, Clock.systemUTC(), new AttemptIds()));
    }

    NetworkRefresh(GuestProgramRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * @return empty once the refresh command has run (now or earlier); {@link NotYet} while it
     *     has not; {@link CommandFailed} once if it exited non-zero or timed out (it then counts as
     *     done: the guest may well have picked up its address anyway); {@code CredentialsRejected}
     *     or {@code GuestOperationsError} when it cannot be run at all (not done)
     */
    public Optional<DiscoveryOutcome> step(GuestTarget target, GuestOs os) {
        Objects.requireNonNull(os, "os");
        if (done.contains(target.key())) {
            return Optional.empty();
        }
        Slot slot = slots.computeIfAbsent(target.key(), key -> runner.newSlot());
        synchronized (slot) {
            if (done.contains(target.key())) {
                return Optional.empty();
            }
            String command = GuestCommands.networkRefreshCommand(os);
            RunStep step = runner.step(slot, target, WHAT, id -> GuestCommands.wrap(os, command, id));
            // Only an exit code of 0 makes the runner download the output: a host that cannot serve
            // it means the refresh did its job.
            if (step instanceof RunStep.HostRefused) {
                done.add(target.key());
                slots.remove(target.key());
                return Optional.empty();
            }
            if (step instanceof RunStep.Exited || step instanceof RunStep.TimedOut || step instanceof RunStep.OutputTooLarge) {
                done.add(target.key());
                slots.remove(target.key());
                if (step instanceof RunStep.Exited exited && exited.exitCode() == 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(GuestOpsDiscovery.translate(step, WHAT, target));
        }
    }

    public boolean isDone(String key) {
        return done.contains(key);
    }

    public void forget(String key) {
        slots.remove(key);
        done.remove(key);
        runner.forget(key);
    }
}
