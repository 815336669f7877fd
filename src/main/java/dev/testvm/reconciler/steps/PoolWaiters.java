package dev.testvm.reconciler.steps;

import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.pool.PoolMembers;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Wakes the TestVMs waiting for a pool VM (whenEmpty Wait, or the burst limit) the moment one of
 * the pool's VMs is claimable: an informer on pool members, each member mapped to the pool's
 * undecided claimants. Waiting thus costs no polling. "Undecided" rather than "status says
 * Waiting": a claimant whose Waiting status is not yet in the cache when the member turns Ready
 * is woken too (a spare pass is harmless; the claim step decides again).
 */
public final class PoolWaiters {

    private PoolWaiters() {}

    public static InformerEventSource<TestVM, TestVM> eventSource(EventSourceContext<TestVM> context) {
        var primaries = context.getPrimaryCache();
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(TestVM.class, TestVM.class)
                .withName("pool-members-claimable")
                .withLabelSelector(PoolMembers.POOL_LABEL)
                .withSecondaryToPrimaryMapper(member -> waitersFor(member, namespace -> primaries.list(namespace)))
                .build(), context);
    }

    /** The claimants to wake because {@code member} changed; none unless it can be claimed now. */
    static Set<ResourceID> waitersFor(TestVM member, Function<String, Stream<TestVM>> testVMsIn) {
        String pool = PoolMembers.poolOf(member).orElse(null);
        if (pool == null || !PoolMembers.isClaimable(member)) {
            return Set.of();
        }
        return testVMsIn.apply(member.getMetadata().getNamespace())
                .filter(t -> undecided(t, pool))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /** Names the pool and has neither a VM nor a decision to clone. */
    private static boolean undecided(TestVM testVM, String pool) {
        if (testVM.getSpec() == null || !pool.equals(testVM.getSpec().getPoolRef()) || PoolMembers.isDeleting(testVM)) {
            return false;
        }
        var status = testVM.getStatus();
        return status == null || (PoolMembers.vmOf(testVM) == null && status.getTaskRef() == null
                && (status.getPool() == null || !PoolClaim.CLONED.equals(status.getPool().getOutcome())));
    }
}
