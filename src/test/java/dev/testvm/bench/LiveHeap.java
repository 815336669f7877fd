package dev.testvm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's live (retained) heap, read with {@code jcmd <pid> GC.class_histogram}: the histogram
 * is taken after a full collection, so its total is what is still reachable, not garbage waiting for
 * the next GC. Used to check that churn leaves no per-TestVM memory behind.
 */
final class LiveHeap {
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    private LiveHeap() {
    }

    /** Bytes reachable in the JVM with this pid after a full GC. */
    static long bytes(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        byte[] out = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd GC.class_histogram failed for pid " + pid);
        }
        return total(new String(out, StandardCharsets.UTF_8));
    }

    static long total(String histogram) throws IOException {
        Matcher m = TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IOException("no Total line in jcmd GC.class_histogram output");
        }
        return Long.parseLong(m.group(2));
    }
}
