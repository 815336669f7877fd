package dev.testvm.pool;

import dev.testvm.api.Durations;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMPoolStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps {@code spec.size} pool VMs Ready: creates member TestVMs (at most refillConcurrency
 * starting at once; their clones queue for vCenter task slots like any TestVM's), replaces failed
 * and over-age ones, scales down, lets claimed members go once their claimant holds the VM, and on
 * deletion deletes its members (claimed VMs stay with their claimants, see {@link MemberRelease}).
 * Woken by changes of its members; claims themselves never wait for this reconciler.
 */
@ControllerConfiguration(name = "testvmpool")
public class TestVMPoolReconciler implements Reconciler<TestVMPool>, Cleaner<TestVMPool> {

    private static final Logger LOG = Logger.getLogger(TestVMPoolReconciler.class);
    /** Backstop while VMs start or a handover is pending; member changes wake the pool sooner. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(5);
    static final Duration HANDOVER_RETRY = Duration.ofSeconds(1);
    static final Duration IDLE_RETRY = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final PoolObserver observer;
    private final RefillTimes refills;

    @Inject
    public TestVMPoolReconciler(KubernetesClient client, PoolObserver observer) {
        this.client = client;
        this.observer = observer;
        this.refills = new RefillTimes(observer);
    }

    @Override
    public List<EventSource<?, TestVMPool>> prepareEventSources(EventSourceContext<TestVMPool> context) {
        InformerEventSource<TestVM, TestVMPool> members = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(TestVM.class, TestVMPool.class)
                        .withName("pool-members")
                        .withLabelSelector(PoolMembers.POOL_LABEL)
                        .withSecondaryToPrimaryMapper(m -> PoolMembers.poolOf(m)
                                .map(pool -> Set.of(new ResourceID(pool, m.getMetadata().getNamespace()))).orElse(Set.of()))
                        .build(),
                context);
        return List.of(members);
    }

    @Override
    public UpdateControl<TestVMPool> reconcile(TestVMPool pool, Context<TestVMPool> context) {
        Instant now = Instant.now();
        String namespace = pool.getMetadata().getNamespace();
        PoolCensus census = PoolCensus.of(pool, client.resources(TestVM.class).inNamespace(namespace).list().getItems());
        refills.seen(pool, census);
        TestVMPoolStatus status = pool.getStatus() == null ? new TestVMPoolStatus() : pool.getStatus();
        pool.setStatus(status);
        boolean handoverPending = letClaimedMembersGo(census);
        recordFailures(census, status);
        Optional<Duration> maxAge = maxAge(pool);
        boolean paused = Boolean.TRUE.equals(pool.getSpec().getPaused());
        if (!paused) {
            recycle(census.expired(maxAge, now), census);
            scaleDown(pool, census);
            refill(pool, census);
        }
        PoolStatusWriter.write(pool, census, paused, now);
        observer.counted(pool, census.ready.size(), census.starting.size(), census.claimants);
        Duration next = handoverPending ? HANDOVER_RETRY : !census.starting.isEmpty() || census.unclaimed() < size(pool) ? BUSY_RETRY : IDLE_RETRY;
        Optional<Instant> expiry = census.nextExpiry(maxAge);
        if (!paused && expiry.isPresent()) {
            next = min(next, Duration.between(now, expiry.get()).plusMillis(100));
        }
        return UpdateControl.patchStatus(pool).rescheduleAfter(Math.max(100, next.toMillis()));
    }

    /** Deletes claimed members whose claimant holds the VM, or that nobody will take (the VM is then destroyed). */
    private boolean letClaimedMembersGo(PoolCensus census) {
        boolean pending = false;
        for (TestVM member : census.claimedMembers) {
            MemberRelease.Decision decision = MemberRelease.decide(client, member);
            if (decision == MemberRelease.Decision.WAIT_FOR_CLAIMANT) {
                pending = true;
            } else {
                delete(member, decision == MemberRelease.Decision.KEEP_VM ? "handed over to its claimant" : "its claimant does not hold its VM");
            }
        }
        return pending;
    }

    private void recordFailures(PoolCensus census, TestVMPoolStatus status) {
        for (TestVM failed : census.failed) {
            String why = PoolMembers.condition(failed.getStatus(), "Failed").map(c -> c.getReason() + ": " + c.getMessage()).orElse("failed");
            status.setLastRefillProblem("pool TestVM " + failed.getMetadata().getName() + " " + why);
            delete(failed, "it failed");
        }
    }

    private void recycle(List<TestVM> expired, PoolCensus census) {
        for (TestVM old : expired) {
            census.ready.remove(old);
            delete(old, "older than spec.maxAge");
        }
    }

    /** Unclaimed members beyond size go, those still starting first, then the newest Ready ones. */
    private void scaleDown(TestVMPool pool, PoolCensus census) {
        int excess = census.unclaimed() - size(pool);
        while (excess > 0) {
            List<TestVM> from = census.starting.isEmpty() ? census.ready : census.starting;
            delete(from.remove(from.size() - 1), "the pool is larger than spec.size " + size(pool));
            excess--;
        }
    }

    private void refill(TestVMPool pool, PoolCensus census) {
        int concurrency = pool.getSpec().getRefillConcurrency() == null ? 2 : pool.getSpec().getRefillConcurrency();
        int wanted = Math.min(size(pool) - census.unclaimed(), concurrency - census.starting.size());
        for (int i = 0; i < wanted; i++) {
            TestVM created = client.resource(MemberFactory.member(pool)).create();
            census.starting.add(created);
            LOG.infof("pool %s/%s: started pool TestVM %s", pool.getMetadata().getNamespace(), pool.getMetadata().getName(),
                    created.getMetadata().getName());
        }
    }

    private void delete(TestVM member, String why) {
        LOG.infof("pool TestVM %s/%s: deleting, %s", member.getMetadata().getNamespace(), member.getMetadata().getName(), why);
        client.resource(member).delete();
    }

    @Override
    public DeleteControl cleanup(TestVMPool pool, Context<TestVMPool> context) {
        // Every member goes: unclaimed ones destroy their VMs, claimed ones leave theirs to the claimant.
        for (TestVM member : PoolMembers.list(client, pool.getMetadata().getNamespace(), pool.getMetadata().getName())) {
            if (!PoolMembers.isDeleting(member)) {
                delete(member, "its pool is deleted");
            }
        }
        refills.forget(pool);
        observer.removed(pool.getMetadata().getNamespace(), pool.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }

    static int size(TestVMPool pool) {
        return pool.getSpec().getSize() == null ? 0 : pool.getSpec().getSize();
    }

    private static Optional<Duration> maxAge(TestVMPool pool) {
        String text = pool.getSpec().getMaxAge();
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(Durations.parse(text));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
