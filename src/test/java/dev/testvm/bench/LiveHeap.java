package dev.testvm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's live (retained) heap, read with {@code jcmd <pid> GC.class_histogram}: the histogram
 * is taken after a full collection, so its total is what is still reachable, not garbage waiting for
 * the next GC. Used to check that churn leaves no per-TestVM memory behind; when it does, the classes
 * that grew most between two histograms say what kind of object stays.
 */
record LiveHeap(long total, Map<String, Long> bytesByClass, Map<String, Long> instancesByClass) {
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    /** {@code "   1:   12345   678901  java.lang.String (java.base@17)"}: rank, instances, bytes, class. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Bytes reachable in the JVM with this pid after a full GC. */
    static long bytes(long pid) throws IOException, InterruptedException {
        return of(pid).total();
    }

    /** The class histogram of the JVM with this pid, after a full GC. */
    static LiveHeap of(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        byte[] out = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd GC.class_histogram failed for pid " + pid);
        }
        return parse(new String(out, StandardCharsets.UTF_8));
    }

    static LiveHeap parse(String histogram) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        Map<String, Long> instances = new HashMap<>();
        Matcher row = ROW.matcher(histogram);
        while (row.find()) {
            bytes.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
            instances.merge(row.group(3), Long.parseLong(row.group(1)), Long::sum);
        }
        return new LiveHeap(total(histogram), bytes, instances);
    }

    static long total(String histogram) throws IOException {
        Matcher m = TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IOException("no Total line in jcmd GC.class_histogram output");
        }
        return Long.parseLong(m.group(2));
    }

    /** The {@code limit} classes whose live bytes grew most since {@code before}: "class +bytes (+instances)". */
    String topGrowers(LiveHeap before, int limit) {
        StringBuilder out = new StringBuilder();
        bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> out.append(String.format(Locale.ROOT, "%s%s +%.1f KiB (%+d)", out.isEmpty() ? "" : "; ", e.getKey(),
                        e.getValue() / 1024.0, instancesByClass.getOrDefault(e.getKey(), 0L)
                                - before.instancesByClass.getOrDefault(e.getKey(), 0L))));
        return out.toString();
    }
}
