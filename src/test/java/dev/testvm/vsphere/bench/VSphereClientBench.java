package dev.testvm.vsphere.bench;

import dev.testvm.testsupport.Simulator;
import dev.testvm.testsupport.SimulatorExtension;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.vim.VimVCenter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Measures the client against the project's simulator (not a test; see docs/vsphere-client.md):
 *
 * <ol>
 *   <li>HTTP requests for one clone → power-on → IP cycle driven the way the operator drives it
 *       (start a task, react to watcher events, read state once per event), with the
 *       WaitForUpdatesEx long polls counted separately;
 *   <li>RetrievePropertiesEx (a full {@code vmInfo}) requests per second with 1 and 8 threads.
 * </ol>
 *
 * Arguments: {@code [timeScale (default 0.1)] [secondsPerThroughputRun (default 5)]}.
 */
public final class VSphereClientBench {

    public static void main(String[] args) throws Exception {
        double timeScale = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (Simulator sim = new SimulatorExtension().timeScale(timeScale).start()) {
            System.out.printf("simulator %s, time-scale %s%n", sim.url(), timeScale);
            try (VimVCenter vc = VimVCenter.open(sim.connectionSettings(16), VimVCenter.Tuning.DEFAULT)) {
                MoRef vm = cycle(vc);
                warmUp(vc, vm, seconds);
                throughput(vc, vm, 1, seconds);
                throughput(vc, vm, 8, seconds);
            }
        }
    }

    /** One operator-like cycle; prints the requests it cost. Returns the VM (left running). */
    private static MoRef cycle(VimVCenter vc) throws InterruptedException {
        BlockingQueue<PropertyChange> events = new LinkedBlockingQueue<>();
        vc.addChangeListener(events::add);
        // the connection's one-time watcher setup (collector, view, filter) is not part of a cycle:
        // follow an idle VM first, as a running operator always follows something
        MoRef idle = vc.findByInventoryPath("DC0/vm/DC0_H0_VM0").orElseThrow();
        vc.follow(idle);
        while (vc.requestStats().count("WaitForUpdatesEx") < 2) {
            Thread.sleep(10);
        }
        Map<String, Long> before = vc.requestStats().snapshot();
        Map<String, Long> phase = before;
        long start = System.nanoTime();

        String uid = UUID.randomUUID().toString();
        MoRef template = vc.findByInventoryPath("DC0/vm/Templates/ubuntu-22.04").orElseThrow();
        if (vc.findVmByInstanceUuid(uid).isPresent()) {
            throw new IllegalStateException("fresh uid already used");
        }
        MoRef cloneTask = vc.startClone(new CloneRequest(template, CloneType.LINKED, null, "bench-" + uid.substring(0, 8),
                null, null, null, null, uid, Map.of("testvm.dev/uid", uid), null, null, null, false));
        phase = report("  start clone", phase, vc);
        TaskInfo cloned = awaitTask(vc, events, cloneTask);
        MoRef vm = cloned.result();
        long clonedAt = System.nanoTime();
        phase = report("  clone done", phase, vc);

        vc.follow(vm);
        MoRef powerOn = vc.startPowerOn(vm);
        awaitTask(vc, events, powerOn);
        long poweredAt = System.nanoTime();
        phase = report("  follow VM + power on", phase, vc);

        String ip = null;
        int ipEvents = 0;
        while (ip == null) {
            PropertyChange change = events.poll(120, TimeUnit.SECONDS);
            if (change == null) {
                throw new IllegalStateException("no IP within 120 s");
            }
            if (change.object().equals(vm) && change.changedPaths().contains("guest.ipAddress")) {
                VmInfo info = vc.vmInfo(vm);
                ip = info.ipAddress();
                ipEvents++;
            }
        }
        long ipAt = System.nanoTime();
        vc.unfollow(vm);
        report("  IP (" + ipEvents + " guest.ipAddress events)", phase, vc);

        Map<String, Long> delta = delta(before, vc.requestStats().snapshot());
        long polls = delta.getOrDefault("WaitForUpdatesEx", 0L);
        long others = delta.entrySet().stream().filter(e -> !e.getKey().equals("WaitForUpdatesEx")).mapToLong(Map.Entry::getValue).sum();
        System.out.printf("cycle: clone %.2f s, power-on %.2f s, IP %s after %.2f s (total %.2f s)%n",
                secs(clonedAt - start), secs(poweredAt - clonedAt), ip, secs(ipAt - poweredAt), secs(ipAt - start));
        System.out.printf("cycle requests: %d excluding WaitForUpdatesEx, plus %d WaitForUpdatesEx long polls%n", others, polls);
        System.out.printf("cycle requests by method: %s%n", delta);
        return vm;
    }

    /** Waits for watcher events about the task, reading its info once per event (served from the cache when done). */
    private static TaskInfo awaitTask(VimVCenter vc, BlockingQueue<PropertyChange> events, MoRef task) throws InterruptedException {
        while (true) {
            TaskInfo info = vc.taskInfo(task);
            if (info.state().done()) {
                if (info.state() == TaskInfo.State.ERROR) {
                    throw info.error();
                }
                return info;
            }
            PropertyChange change;
            do {
                change = events.poll(60, TimeUnit.SECONDS);
                if (change == null) {
                    throw new IllegalStateException("task " + task + " did not finish within 60 s");
                }
            } while (!change.object().equals(task));
        }
    }

    private static void throughput(VimVCenter vc, MoRef vm, int threads, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long before = vc.requestStats().count("RetrievePropertiesEx");
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    vc.vmInfo(vm);
                    n++;
                }
                return n;
            }));
        }
        long calls = 0;
        for (Future<Long> f : futures) {
            calls += f.get();
        }
        double elapsed = secs(System.nanoTime() - start);
        pool.shutdown();
        long requests = vc.requestStats().count("RetrievePropertiesEx") - before;
        long cpu = processCpuNanos() - cpuBefore;
        System.out.printf("RetrievePropertiesEx (vmInfo, %d paths): %d thread(s): %.0f requests/s (%d in %.1f s), client CPU %.0f µs/request%n",
                13, threads, requests / elapsed, calls, elapsed, cpu / 1e3 / Math.max(1, requests));
    }

    /** Lets the JIT compile the client's hot paths first, so the figures are not of interpreted code. */
    private static void warmUp(VimVCenter vc, MoRef vm, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            vc.vmInfo(vm);
        }
    }

    private static Map<String, Long> report(String label, Map<String, Long> since, VimVCenter vc) {
        Map<String, Long> now = vc.requestStats().snapshot();
        System.out.printf("%s: %s%n", label, delta(since, now));
        return now;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    /** CPU time of this JVM (all threads): what the client costs, the simulator being another process. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
