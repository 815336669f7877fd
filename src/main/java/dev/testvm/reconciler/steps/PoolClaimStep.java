package dev.testvm.reconciler.steps;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMStatus;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.pool.PoolFit;
import dev.testvm.pool.PoolMembers;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.TestVMObserver;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code spec.poolRef}: before any clone, take a Ready VM of the pool (see {@link PoolMembers} for
 * how a claim is arbitrated and survives a crash), or, when the pool has none, clone as usual or
 * wait, as the pool says. Decided once: a TestVM that has a VM, a clone intent or a clone task
 * never claims, and one that claimed never clones (its VM is in status before the clone step runs).
 */
public final class PoolClaimStep {

    public static final String CLAIMED_FROM_POOL = "ClaimedFromPool";
    static final String WAITING_FOR_POOL = "WaitingForPool";
    static final String POOL_NOT_FOUND = "PoolNotFound";
    static final String POOL_EMPTY = "PoolEmpty";
    static final String POOL_MISMATCH = "PoolMismatch";
    /** Backstop only: a Ready pool VM wakes waiting claimants at once ({@link PoolWaiters}). */
    private static final Duration WAIT_BACKSTOP = Duration.ofSeconds(60);
    /** Waiting on the burst limit: an on-demand clone finishing wakes nobody, so this is how soon it is seen. */
    private static final Duration BURST_RETRY = Duration.ofSeconds(1);
    private static final Duration MISSING_POOL_RETRY = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final KubeEvents kubeEvents;
    private final TestVMObserver observer;
    private final PoolHandover handover;

    public PoolClaimStep(KubernetesClient client, KubeEvents kubeEvents, TestVMObserver observer) {
        this.client = client;
        this.kubeEvents = kubeEvents;
        this.observer = observer;
        this.handover = new PoolHandover(kubeEvents, observer);
    }

    public StepResult run(Pass pass) {
        String poolName = pass.testVM().getSpec().getPoolRef();
        if (poolName == null || decided(pass)) {
            return StepResult.PROCEED;
        }
        String namespace = pass.testVM().getMetadata().getNamespace();
        List<TestVM> members = PoolMembers.list(client, namespace, poolName);
        // A claim written by an earlier pass (or by an operator that died right after) comes first.
        Optional<TestVM> mine = members.stream().filter(m -> PoolMembers.isClaimedBy(m, pass.uid()) && PoolMembers.vmOf(m) != null).findFirst();
        if (mine.isPresent()) {
            handover.takeOver(pass, poolName, mine.get());
            return StepResult.PROCEED;
        }
        List<TestVM> claimable = inClaimOrder(members, pass.uid());
        if (!claimable.isEmpty()) {
            TestVM sample = claimable.get(0);
            Optional<String> misfit = PoolFit.misfit(pass.testVM().getSpec(), pass.status().getVcenter(), sample.getSpec(),
                    sample.getStatus().getVcenter());
            if (misfit.isPresent()) {
                return cloneInstead(pass, poolName, misfit.get());
            }
        }
        for (TestVM candidate : claimable) {
            Optional<TestVM> won = PoolMembers.tryClaim(client, candidate, pass.testVM(), pass.now());
            if (won.isPresent()) {
                handover.takeOver(pass, poolName, won.get());
                return StepResult.PROCEED;
            }
        }
        return poolEmpty(pass, poolName, namespace);
    }

    private boolean decided(Pass pass) {
        TestVMStatus status = pass.status();
        boolean cloning = status.getTaskRef() != null || CloneStep.hasCloneIntent(status)
                || (status.getPool() != null && PoolClaim.CLONED.equals(status.getPool().getOutcome()));
        return (status.getVm() != null && status.getVm().getMoRef() != null) || cloning || pass.memory().decidedToClone;
    }

    /**
     * Claimable members, each claimant starting at its own place (by UID) so that concurrent
     * claimants mostly try different members instead of all racing for the first.
     */
    private static List<TestVM> inClaimOrder(List<TestVM> members, String uid) {
        List<TestVM> claimable = new ArrayList<>(members.stream().filter(PoolMembers::isClaimable).toList());
        if (!claimable.isEmpty()) {
            Collections.rotate(claimable, Math.floorMod(uid.hashCode(), claimable.size()));
        }
        return claimable;
    }

    private StepResult poolEmpty(Pass pass, String poolName, String namespace) {
        TestVMPool pool = client.resources(TestVMPool.class).inNamespace(namespace).withName(poolName).get();
        if (pool == null) {
            return waiting(pass, poolName, POOL_NOT_FOUND, "spec.poolRef: no TestVMPool '" + poolName + "' in namespace " + namespace,
                    MISSING_POOL_RETRY);
        }
        Optional<String> misfit = PoolFit.misfit(pass.testVM().getSpec(), pass.status().getVcenter(), pool.getSpec().getVm(),
                pool.getSpec().getVm() == null ? null : pool.getSpec().getVm().getVcenter());
        if (misfit.isPresent()) {
            return cloneInstead(pass, poolName, misfit.get());
        }
        WhenPoolEmpty when = pool.getSpec().getWhenEmpty() == null ? WhenPoolEmpty.Clone : pool.getSpec().getWhenEmpty();
        if (when == WhenPoolEmpty.Wait) {
            return waiting(pass, poolName, WAITING_FOR_POOL, "pool " + poolName + " has no Ready VM; waiting for one (whenEmpty: Wait)",
                    WAIT_BACKSTOP);
        }
        Integer burst = pool.getSpec().getBurstLimit();
        if (burst != null) {
            long cloning = cloningOnDemand(namespace, poolName, pass.uid());
            if (cloning >= burst) {
                return waiting(pass, poolName, WAITING_FOR_POOL, "pool " + poolName + " has no Ready VM and " + cloning
                        + " TestVMs already clone on demand (burstLimit " + burst + "); waiting for a pool VM", BURST_RETRY);
            }
        }
        // A pass may be handed a resource older than the patch that records this decision (the
        // informer lags); it must not claim on top of the clone.
        pass.memory().decidedToClone = true;
        PoolClaim claim = claim(pass, poolName, PoolClaim.CLONED);
        claim.setMember(null);
        claim.setMessage("pool " + poolName + " has no Ready VM; cloning as usual (whenEmpty: Clone)");
        pass.report().condition(ConditionTypes.CLONED, false, POOL_EMPTY, claim.getMessage());
        kubeEvents.normal(pass.testVM(), POOL_EMPTY, "pool " + poolName + " has no Ready VM; cloning instead");
        observer.claimed(pass.testVM(), poolName, PoolClaim.CLONED, null);
        return StepResult.PROCEED;
    }

    /** The claimant wants another machine than the pool's VMs are: it clones its own, and says why. */
    private StepResult cloneInstead(Pass pass, String poolName, String misfit) {
        pass.memory().decidedToClone = true;
        PoolClaim claim = claim(pass, poolName, PoolClaim.CLONED);
        claim.setMember(null);
        String message = "pool " + poolName + "'s VMs do not fit this TestVM (" + misfit + "); cloning as usual";
        claim.setMessage(message);
        pass.report().condition(ConditionTypes.CLONED, false, POOL_MISMATCH, message);
        kubeEvents.warning(pass.testVM(), POOL_MISMATCH, message);
        observer.claimed(pass.testVM(), poolName, PoolClaim.CLONED, null);
        return StepResult.PROCEED;
    }

    /** TestVMs of this pool that found it empty and are still cloning (not yet Ready, not failed). */
    private long cloningOnDemand(String namespace, String poolName, String exceptUid) {
        return client.resources(TestVM.class).inNamespace(namespace).list().getItems().stream()
                .filter(t -> poolName.equals(t.getSpec() == null ? null : t.getSpec().getPoolRef()))
                .filter(t -> !exceptUid.equals(t.getMetadata().getUid()) && !PoolMembers.isDeleting(t))
                .filter(t -> t.getStatus() != null && t.getStatus().getPool() != null
                        && PoolClaim.CLONED.equals(t.getStatus().getPool().getOutcome()))
                .filter(t -> !PoolMembers.isReady(t) && !PoolMembers.isFailed(t))
                .count();
    }

    private StepResult waiting(Pass pass, String poolName, String reason, String message, Duration retry) {
        String previous = Conditions.find(pass.status(), ConditionTypes.READY).map(c -> c.getReason()).orElse(null);
        claim(pass, poolName, PoolClaim.WAITING);
        pass.report().notReady(reason, message);
        if (!reason.equals(previous)) {
            kubeEvents.normal(pass.testVM(), reason, message);
        }
        return StepResult.requeue(retry);
    }

    private static PoolClaim claim(Pass pass, String poolName, String outcome) {
        PoolClaim claim = pass.status().getPool() == null ? new PoolClaim() : pass.status().getPool();
        claim.setName(poolName);
        claim.setOutcome(outcome);
        pass.status().setPool(claim);
        return claim;
    }
}
