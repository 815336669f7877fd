package dev.testvm.discovery;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Ids for guest output files. The counter makes them unique within this operator process; the
 * random part keeps a restarted operator from reusing a name a previous run left in the guest.
 */
public final class AttemptIds implements Supplier<String> {

    private final AtomicLong counter = new AtomicLong();

    @Override
    public String get() {
        long random = ThreadLocalRandom.current().nextLong() & 0xffffffffffL;
        return Long.toString(random, 36) + "-" + Long.toString(counter.incrementAndGet(), 36);
    }
}
