package dev.testvm.pool;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reports each pool VM's time from creation to Ready once, the first time the pool sees it Ready. */
final class RefillTimes {

    private final PoolObserver observer;
    /** Pool key → UIDs of members already reported; members no longer listed are dropped. */
    private final Map<String, Set<String>> reported = new ConcurrentHashMap<>();

    RefillTimes(PoolObserver observer) {
        this.observer = observer;
    }

    void seen(TestVMPool pool, PoolCensus census) {
        Set<String> done = reported.computeIfAbsent(key(pool), k -> ConcurrentHashMap.newKeySet());
        Set<String> present = ConcurrentHashMap.newKeySet();
        census.ready.forEach(m -> present.add(m.getMetadata().getUid()));
        census.claimedMembers.forEach(m -> present.add(m.getMetadata().getUid()));
        for (TestVM member : java.util.stream.Stream.concat(census.ready.stream(), census.claimedMembers.stream()).toList()) {
            Double total = member.getStatus().getTimings() == null ? null : member.getStatus().getTimings().getTotalSeconds();
            if (total != null && done.add(member.getMetadata().getUid())) {
                observer.refilled(pool, Duration.ofMillis(Math.round(total * 1000)));
            }
        }
        done.retainAll(present);
    }

    void forget(TestVMPool pool) {
        reported.remove(key(pool));
    }

    private static String key(TestVMPool pool) {
        return pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    }
}
