package dev.testvm.discovery;

import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.discovery.DiscoveryOutcome.CommandFailed;
import dev.testvm.discovery.DiscoveryOutcome.CredentialsRejected;
import dev.testvm.discovery.DiscoveryOutcome.Found;
import dev.testvm.discovery.DiscoveryOutcome.GuestOperationsError;
import dev.testvm.discovery.DiscoveryOutcome.HostRefused;
import dev.testvm.discovery.DiscoveryOutcome.Misconfigured;
import dev.testvm.discovery.DiscoveryOutcome.NotYet;
import dev.testvm.vsphere.MoRef;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one entry point of IP discovery for the reconciler.
 *
 * <p>Call {@link #step} on every reconcile of a TestVM in WaitingForIP, with a freshly read
 * {@link dev.testvm.vsphere.VmInfo}, then act on the {@link DiscoveryResult}: write the address
 * when it is {@link Found}, otherwise requeue after {@link DiscoveryResult#retryAfter()}. A step
 * never sleeps; it makes at most a few quick guest-operation calls. Call {@link #forget} when the
 * TestVM is Ready or deleted. {@link dev.testvm.vsphere.VCenterUnreachableException} propagates.
 *
 * <p>Strategies: {@code tools} reads only what VMware Tools published. {@code auto} with
 * credentials races both sources: Tools' address is taken as soon as it is there, otherwise the
 * guest command is stepped; when guest operations fail (rejected credentials, failing command,
 * other faults) it falls back to Tools for good (rejected credentials: until their version
 * changes) and reports the problem in every result. {@code guestOperations} uses only the guest
 * command and returns its failures as outcomes.
 *
 * <p>With {@code refreshNetwork} (instant clones) the refresh command runs first and nothing is
 * found before it has; in auto, Tools' address is then only used once guest operations fail.
 *
 * <p>Thread-safe; state is in memory per key, so a restarted operator just starts over.
 */
public final class IpDiscoveryCoordinator {

    private final DiscoverySettings settings;
    private final GuestOpsDiscovery guestOps;
    private final NetworkRefresh refresh;
    private final ToolsNetworkUpdate viaTools;
    /** Keys whose ESXi host could not serve the guest file: they use the vCenter-only channel. */
    private final Map<String, GuestOpsProblem> hostProblems = new ConcurrentHashMap<>();
    /** Auto strategy only: keys whose guest command failed, so Tools alone answer from now on. */
    private final Map<String, GuestOpsProblem> gaveUp = new ConcurrentHashMap<>();
    private final Map<String, GuestOpsProblem> refreshProblems = new ConcurrentHashMap<>();
    private final EsxiHostChannels hosts;

    public IpDiscoveryCoordinator() {
        this(DiscoverySettings.defaults());
    }

    public IpDiscoveryCoordinator(DiscoverySettings settings) {
        this(settings, new GuestProgramRunner(settings, Clock.systemUTC(), new AttemptIds(), GuestProgramRunner.BACKGROUND),
                Clock.systemUTC());
    }

    /** For tests: a controllable clock and predictable guest file names; output files deleted at once. */
    public IpDiscoveryCoordinator(DiscoverySettings settings, Clock clock, Supplier<String> attemptIds) {
        this(settings, new GuestProgramRunner(settings, clock, attemptIds), clock);
    }

    private IpDiscoveryCoordinator(DiscoverySettings settings, GuestProgramRunner runner, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guestOps = new GuestOpsDiscovery(runner);
        this.refresh = new NetworkRefresh(runner);
        this.viaTools = new ToolsNetworkUpdate(runner, clock);
        this.hosts = new EsxiHostChannels(clock);
    }

    public DiscoveryResult step(DiscoveryRequest request) {
        Optional<GuestOs> os = GuestOs.resolve(request.os(), request.vmInfo());
        IpChoice tools = ToolsIpSource.choose(request.vmInfo(), request.filter());
        IpDiscoveryStrategy strategy = request.strategy();
        if (strategy == IpDiscoveryStrategy.tools
                || (strategy == IpDiscoveryStrategy.auto && request.credentials() == null)) {
            return fromTools(tools, os, Optional.empty());
        }
        if (request.credentials() == null) {
            return credentialsMissing(request, os);
        }
        boolean race = strategy == IpDiscoveryStrategy.auto;
        GuestOpsProblem failedBefore = gaveUp.get(request.key());
        if (race && failedBefore != null) {
            return fromTools(tools, os, Optional.of(failedBefore));
        }
        if (os.isEmpty()) {
            // Tools may still answer; for the guest command we must know which shell to use.
            if (race && tools.found() && !request.refreshNetwork()) {
                return found(tools, os, Optional.empty());
            }
            return new DiscoveryResult(new NotYet(settings.maxBackoff(), unknownOs(request)),
                    Optional.empty(), os, settings.maxBackoff());
        }
        GuestTarget target = new GuestTarget(request.key(), request.vcenter(), request.vm(), request.vmInfo(),
                request.credentials(), request.credentialsVersion());
        if (request.refreshNetwork()) {
            Optional<DiscoveryResult> refreshing = refreshFirst(request, target, os, tools);
            if (refreshing.isPresent()) {
                return refreshing.get();
            }
        }
        return throughGuest(request, target, os, tools, race);
    }

    /** Strategy guestOperations without credentials to run anything with. */
    private DiscoveryResult credentialsMissing(DiscoveryRequest request, Optional<GuestOs> os) {
        String message = request.secretName() == null
                ? "ipDiscovery.strategy is guestOperations but spec.guest.credentialsSecretRef is not set"
                : "ipDiscovery.strategy is guestOperations but no guest credentials could be read from Secret '"
                        + request.secretName() + "'";
        GuestOpsProblem problem = new GuestOpsProblem(GuestOpsProblem.CREDENTIALS_MISSING, message);
        return new DiscoveryResult(new Misconfigured(problem.reason(), message), Optional.of(problem), os,
                settings.failureRecheck());
    }

    /**
     * Instant clones: the network refresh runs before anything is found. Empty once it has run,
     * or has failed with an exit code (the guest may have picked up its address anyway: that is
     * noted as a problem and discovery goes on).
     */
    private Optional<DiscoveryResult> refreshFirst(DiscoveryRequest request, GuestTarget target, Optional<GuestOs> os,
            IpChoice tools) {
        Optional<DiscoveryOutcome> refreshing = refresh.step(target, os.get());
        if (refreshing.isEmpty()) {
            return Optional.empty();
        }
        DiscoveryOutcome outcome = refreshing.get();
        if (outcome instanceof NotYet notYet) {
            return Optional.of(new DiscoveryResult(notYet, Optional.ofNullable(refreshProblems.get(request.key())), os,
                    notYet.retryAfter()));
        }
        if (!(outcome instanceof CommandFailed failed)) {
            return Optional.of(guestOpsFailed(request, outcome, tools, os));
        }
        refreshProblems.put(request.key(), new GuestOpsProblem(GuestOpsProblem.COMMAND_FAILED,
                failed.message() + "; IP discovery goes on"));
        return Optional.empty();
    }

    /**
     * The guest command's turn, unless the VM's ESXi host is known not to serve guest files (then
     * the vCenter-only channel) or, in a race, Tools already answered.
     */
    private DiscoveryResult throughGuest(DiscoveryRequest request, GuestTarget target, Optional<GuestOs> os,
            IpChoice tools, boolean race) {
        String key = request.key();
        Optional<GuestOpsProblem> refreshProblem = Optional.ofNullable(refreshProblems.get(key));
        GuestOpsProblem hostProblem = hostProblem(key, request.vmInfo().host());
        if (hostProblem != null) {
            return viaVCenterOnly(request, target, os, tools, hostProblem);
        }
        // After an instant clone Tools may go on showing the parent's address for a poll or two,
        // and there is no telling it from a fresh one: there, Tools are only the fallback.
        if (race && tools.found() && !request.refreshNetwork()) {
            guestOps.dropAttempt(key);
            // Credentials refused earlier stay refused until the Secret changes: keep saying so.
            Optional<GuestOpsProblem> rejected = guestOps.stillRejected(target)
                    .map(message -> problemFor(new CredentialsRejected(message), request, GuestOpsDiscovery.WHAT));
            return found(tools, os, rejected.or(() -> refreshProblem));
        }
        DiscoveryOutcome outcome = guestOps.step(target, os.get(), request.commandOverride(), request.filter());
        if (outcome instanceof HostRefused refused) {
            return hostRefused(request, target, os, tools, refused);
        }
        if (outcome instanceof Found) {
            hosts.served(request.vmInfo().host());
            return new DiscoveryResult(outcome, refreshProblem, os, Duration.ZERO);
        }
        if (outcome instanceof NotYet notYet) {
            NotYet both = race ? new NotYet(notYet.retryAfter(), notYet.why() + "; Tools: " + tools.whyNot()) : notYet;
            return new DiscoveryResult(both, refreshProblem, os, notYet.retryAfter());
        }
        return guestOpsFailed(request, outcome, tools, os);
    }

    /**
     * The command ran but the VM's ESXi host would not serve its output: this TestVM, and the
     * host's other VMs between their attempts, go on through the vCenter-only channel.
     */
    private DiscoveryResult hostRefused(DiscoveryRequest request, GuestTarget target, Optional<GuestOs> os,
            IpChoice tools, HostRefused refused) {
        GuestOpsProblem problem = new GuestOpsProblem(GuestOpsProblem.reasonFor(refused.fault()),
                refused.message() + "; IP discovery goes on through vCenter only (" + ToolsNetworkUpdate.WHAT
                        + ", VMware Tools 10.1 or later)");
        hostProblems.put(request.key(), problem);
        hosts.failed(request.vmInfo().host(), problem);
        guestOps.dropAttempt(request.key());
        return viaVCenterOnly(request, target, os, tools, problem);
    }

    /**
     * The ESXi host cannot serve the guest file: make Tools publish the guest's network and take
     * their address. An address that shows up after the update was started counts as this
     * channel's; one Tools published before that is Tools' own.
     */
    private DiscoveryResult viaVCenterOnly(DiscoveryRequest request, GuestTarget target, Optional<GuestOs> os,
            IpChoice tools, GuestOpsProblem hostProblem) {
        String key = request.key();
        if (tools.found()) {
            IpSource source = viaTools.started(key) ? IpSource.GUEST_OPERATIONS_VIA_TOOLS : IpSource.TOOLS;
            return new DiscoveryResult(new Found(tools.ip(), tools.addresses(), source), Optional.of(hostProblem), os,
                    Duration.ZERO);
        }
        DiscoveryOutcome outcome = viaTools.step(target, os.orElseThrow());
        if (outcome instanceof NotYet notYet) {
            return new DiscoveryResult(new NotYet(notYet.retryAfter(), notYet.why() + "; Tools: " + tools.whyNot()),
                    Optional.of(hostProblem), os, notYet.retryAfter());
        }
        GuestOpsProblem failed = problemFor(outcome, request, ToolsNetworkUpdate.WHAT);
        return guestOpsFailed(request, outcome, tools, os, new GuestOpsProblem(failed.reason(),
                hostProblem.message() + "; the vCenter-only channel failed too: " + failed.message()));
    }

    /**
     * The problem of {@code key}'s ESXi host: its own download failed, or (between attempts) a
     * download for another TestVM on the same host did, so this one need not fail too.
     */
    private GuestOpsProblem hostProblem(String key, MoRef host) {
        GuestOpsProblem own = hostProblems.get(key);
        if (own != null || guestOps.inFlight(key)) {
            return own;
        }
        Optional<GuestOpsProblem> known = hosts.problem(host);
        known.ifPresent(problem -> hostProblems.put(key, problem));
        return known.orElse(null);
    }

    /** Drops everything remembered about {@code key}: call when the TestVM is Ready or deleted. */
    public void forget(String key) {
        hostProblems.remove(key);
        viaTools.forget(key);
        guestOps.forget(key);
        refresh.forget(key);
        gaveUp.remove(key);
        refreshProblems.remove(key);
    }

    private DiscoveryResult guestOpsFailed(
            DiscoveryRequest request, DiscoveryOutcome outcome, IpChoice tools, Optional<GuestOs> os) {
        String what = refresh.isDone(request.key()) || !request.refreshNetwork() ? GuestOpsDiscovery.WHAT : NetworkRefresh.WHAT;
        return guestOpsFailed(request, outcome, tools, os, problemFor(outcome, request, what));
    }

    private DiscoveryResult guestOpsFailed(DiscoveryRequest request, DiscoveryOutcome outcome, IpChoice tools,
            Optional<GuestOs> os, GuestOpsProblem problem) {
        if (request.strategy() != IpDiscoveryStrategy.auto) {
            // A failing command may just be a custom one that fails until the address is there;
            // faults and refused credentials will not go away soon.
            Duration retry = outcome instanceof CommandFailed ? settings.maxBackoff() : settings.failureRecheck();
            return new DiscoveryResult(outcome, Optional.of(problem), os, retry);
        }
        // Rejected credentials need no bookkeeping here: they keep being answered from memory,
        // without a login, until the Secret changes, and then guest operations get a new chance.
        if (!(outcome instanceof CredentialsRejected)) {
            gaveUp.put(request.key(), problem);
        }
        return fromTools(tools, os, Optional.of(problem));
    }

    private DiscoveryResult fromTools(IpChoice tools, Optional<GuestOs> os, Optional<GuestOpsProblem> problem) {
        if (tools.found()) {
            return found(tools, os, problem);
        }
        return new DiscoveryResult(new NotYet(settings.toolsRecheck(), "Tools: " + tools.whyNot()), problem, os,
                settings.toolsRecheck());
    }

    private static DiscoveryResult found(IpChoice tools, Optional<GuestOs> os, Optional<GuestOpsProblem> problem) {
        return new DiscoveryResult(new Found(tools.ip(), tools.addresses(), IpSource.TOOLS), problem, os, Duration.ZERO);
    }

    private static GuestOpsProblem problemFor(DiscoveryOutcome outcome, DiscoveryRequest request, String what) {
        String fallback = request.strategy() == IpDiscoveryStrategy.auto ? "; using VMware Tools' address instead" : "";
        if (outcome instanceof CredentialsRejected rejected) {
            String secret = request.secretName() == null ? "the guest credentials" : "the credentials in Secret '"
                    + request.secretName() + "'";
            return new GuestOpsProblem(GuestOpsProblem.CREDENTIALS_REJECTED, "the guest refused " + secret
                    + " (" + rejected.message() + "); not retried until the Secret changes" + fallback);
        }
        if (outcome instanceof CommandFailed failed) {
            return new GuestOpsProblem(GuestOpsProblem.COMMAND_FAILED, failed.message() + fallback);
        }
        if (outcome instanceof GuestOperationsError error) {
            return new GuestOpsProblem(GuestOpsProblem.OPERATIONS_ERROR,
                    "guest operations failed for the " + what + ": " + error.message() + fallback);
        }
        if (outcome instanceof HostRefused refused) {
            return new GuestOpsProblem(GuestOpsProblem.OPERATIONS_ERROR,
                    "guest operations failed for the " + what + ": " + refused.message() + fallback);
        }
        throw new IllegalArgumentException("not a guest-operations failure: " + outcome);
    }

    private static String unknownOs(DiscoveryRequest request) {
        return "guest OS not known yet: VMware Tools report no guest family and guestId '"
                + request.vmInfo().guestId() + "' is not recognised; set spec.guest.os to linux or windows";
    }
}
