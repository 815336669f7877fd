package dev.testvm.discovery;

import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.discovery.GuestProgramRunner.RunStep;
import dev.testvm.discovery.GuestProgramRunner.Slot;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vCenter-only discovery channel, for guests whose ESXi host this operator cannot download
 * from (firewalled, unresolvable, untrusted): a guest command makes VMware Tools publish the
 * guest's network now ({@code vmware-toolbox-cmd info update network}, Tools 10.1+), and the
 * address arrives with the {@code guest.net} change the watcher already follows. Nothing is
 * downloaded, so it needs vCenter and guest operations only.
 *
 * <p>Chosen over handing the output to Tools with {@code vmware-rpctool "info-set guestinfo.…"}:
 * the same command line on Linux and Windows, no output to quote into a command line (cmd cannot
 * capture multi-line output without a script), no guestinfo keys left behind in the VM, no extra
 * property to follow, and {@code guest.net} keeps each address's MAC for the network filter.
 * The price: Tools' view of the addresses (Tools skip some interfaces) instead of our command's.
 */
final class ToolsNetworkUpdate {

    static final String WHAT = "VMware Tools network update (vmware-toolbox-cmd info update network)";

    private final GuestProgramRunner runner;
    private final Clock clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, Instant> nextRun = new ConcurrentHashMap<>();
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    ToolsNetworkUpdate(GuestProgramRunner runner, Clock clock) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs the update (again, once the guest may have an address by now) and waits for its exit.
     *
     * @return {@link NotYet} while it runs and after it ran (the address comes through Tools); any
     *     other outcome is a failure to run it
     */
    DiscoveryOutcome step(GuestTarget target, GuestOs os) {
        Slot slot = slots.computeIfAbsent(target.key(), key -> runner.newSlot());
        synchronized (slot) {
            Instant next = nextRun.get(target.key());
            if (slot.attempt == null && next != null && clock.instant().isBefore(next)) {
                return new NotYet(java.time.Duration.between(clock.instant(), next),
                        "waiting for VMware Tools to publish an address after " + WHAT);
            }
            RunStep step = runner.step(slot, target, WHAT, id -> GuestCommands.toolsNetworkUpdate(os));
            if (slot.attempt != null) {
                started.add(target.key());
            }
            if (step instanceof RunStep.Exited exited && exited.exitCode() == 0) {
                started.add(target.key());
                // Tools publish within moments; if that report has no address yet, ask again later.
                java.time.Duration wait = slot.retry.next();
                nextRun.put(target.key(), clock.instant().plus(wait));
                return new NotYet(wait, "VMware Tools were asked to publish the guest's network; waiting for"
                        + " their report through vCenter");
            }
            return GuestOpsDiscovery.translate(step, WHAT, target);
        }
    }

    /** Whether the update was started for {@code key}: an address Tools publish after that is this channel's. */
    boolean started(String key) {
        return started.contains(key);
    }

    void forget(String key) {
        slots.remove(key);
        nextRun.remove(key);
        started.remove(key);
    }
}
