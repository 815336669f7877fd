package dev.testvm.reconciler.sweeper;

import dev.testvm.api.TestVM;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.inventory.VmIdentity;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.ManagedObjects;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Destroys VMs this operator created whose TestVM no longer exists (its finalizer was removed by
 * hand, the TestVM was deleted while no operator ran and someone stripped the finalizer, etcd was
 * restored, ...).
 *
 * <p>Rules, each of which keeps a VM alive:
 * <ul>
 *   <li>no extraConfig {@code testvm.dev/uid}, or {@code testvm.dev/cluster} naming another (or no)
 *       cluster ({@link ClusterIdentity}): not ours, never touched;</li>
 *   <li>a template, or the VM a live TestVM clones from (e.g. an instant-clone parent): never touched;</li>
 *   <li>the key's value is the UID of a TestVM in any namespace (listed from the API server, not
 *       from a cache, cluster-wide so TestVMs in namespaces this operator does not watch count);</li>
 *   <li>a live TestVM records the VM in {@code status.vm}: a warm pool's VM keeps the UID of the pool
 *       TestVM it was cloned for, and belongs to the TestVM that claimed it once that one recorded it
 *       (the pool TestVM is deleted only afterwards);</li>
 *   <li>the grace period has not passed since <em>this sweeper first saw the VM orphaned</em>
 *       (kept in memory: a restarted operator or a new leader starts counting again, which can
 *       only delay a destroy, never hasten it).</li>
 * </ul>
 *
 * <p>VMs are listed before TestVMs: a TestVM exists before its clone starts, so any VM in the
 * list belongs to a TestVM that is already visible to the TestVM list made after it. If listing
 * TestVMs fails nothing is destroyed. Destroying powers the VM off first if it runs; the sweeper
 * waits for those tasks on its own thread (never a reconciler thread).
 */
public final class OrphanSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class);
    static final String DESTROYED = "testvm.orphans.destroyed";
    static final String PENDING = "testvm.orphans.pending";
    private static final Duration TASK_POLL = Duration.ofMillis(200);

    /** What one sweep did: VMs carrying our key, orphans among them, and the orphans destroyed. */
    public record Sweep(int keyed, int orphans, List<String> destroyed) {}

    private final Supplier<VCenter> vcenter;
    private final Supplier<List<TestVM>> testVMs;
    private final Supplier<String> clusterId;
    private final PlacementResolver placement;
    private final Duration gracePeriod;
    private final Duration taskTimeout;
    private final Clock clock;
    private final Counter destroyedCounter;
    /** moRef → when this sweeper first saw it orphaned. */
    private final Map<MoRef, Instant> orphanedSince = new ConcurrentHashMap<>();

    /**
     * @param testVMs     every TestVM in the cluster, read from the API server each call
     * @param taskTimeout how long one power-off or destroy task may take before the sweep moves on
     */
    public OrphanSweeper(Supplier<VCenter> vcenter, Supplier<List<TestVM>> testVMs, Supplier<String> clusterId, String defaultDatacenter,
            Duration gracePeriod, Duration taskTimeout, Clock clock, MeterRegistry registry) {
        this(VCenterRegistry.ENVIRONMENT, vcenter, testVMs, clusterId, defaultDatacenter, gracePeriod, taskTimeout, clock, registry);
    }

    /**
     * A sweeper scoped to one vCenter: its meters carry the tag {@code vcenter}. UIDs are unique
     * across vCenters, so every TestVM in the cluster still counts as live.
     */
    public OrphanSweeper(String vcenterName, Supplier<VCenter> vcenter, Supplier<List<TestVM>> testVMs, Supplier<String> clusterId,
            String defaultDatacenter, Duration gracePeriod, Duration taskTimeout, Clock clock, MeterRegistry registry) {
        this.vcenter = vcenter;
        this.testVMs = testVMs;
        this.clusterId = clusterId;
        this.placement = new PlacementResolver(defaultDatacenter);
        this.gracePeriod = gracePeriod;
        this.taskTimeout = taskTimeout;
        this.clock = clock;
        this.destroyedCounter = Counter.builder(DESTROYED)
                .description("VMs carrying testvm.dev/uid of no existing TestVM, destroyed by the orphan sweeper")
                .tag("vcenter", vcenterName)
                .register(registry);
        Gauge.builder(PENDING, orphanedSince, Map::size)
                .description("Orphaned VMs the sweeper has seen and will destroy once their grace period has passed")
                .tag("vcenter", vcenterName)
                .register(registry);
    }

    /** Every TestVM in every namespace, straight from the API server (a list, not an informer cache). */
    public static Supplier<List<TestVM>> allTestVMs(KubernetesClient client) {
        return () -> client.resources(TestVM.class).inAnyNamespace().list().getItems();
    }

    /** Forgets what was seen, e.g. when this replica is not (or no longer) the leader. */
    public void forget() {
        orphanedSince.clear();
    }

    public Sweep sweep() {
        String cluster = clusterId.get();
        VCenter vc = vcenter.get();
        List<VmInfo> keyed = vc.vmsWithExtraConfigKey(VmIdentity.UID_KEY);
        List<TestVM> live = testVMs.get();
        Set<String> liveUids = new HashSet<>();
        live.forEach(t -> liveUids.add(t.getMetadata().getUid()));
        Set<MoRef> recorded = recordedVms(live);
        Instant now = clock.instant();

        List<VmInfo> orphans = keyed.stream()
                .filter(vm -> !vm.template() && !recorded.contains(vm.moRef()) && isOrphan(vm, liveUids, cluster)).toList();
        Set<MoRef> orphanRefs = new HashSet<>();
        orphans.forEach(vm -> orphanRefs.add(vm.moRef()));
        orphanedSince.keySet().retainAll(orphanRefs);
        for (VmInfo vm : orphans) {
            if (orphanedSince.putIfAbsent(vm.moRef(), now) == null) {
                LOG.infof("VM %s (%s) carries %s=%s, which matches no TestVM; destroying it after %s unless that changes",
                        vm.name(), vm.moRef().value(), VmIdentity.UID_KEY, uid(vm), gracePeriod);
            }
        }

        List<VmInfo> due = orphans.stream()
                .filter(vm -> !now.isBefore(orphanedSince.get(vm.moRef()).plus(gracePeriod)))
                .toList();
        List<String> destroyed = new ArrayList<>();
        if (!due.isEmpty()) {
            Set<MoRef> sources = sourcesOf(vc, live);
            for (VmInfo vm : due) {
                if (sources.contains(vm.moRef())) {
                    continue;
                }
                if (destroy(vc, vm, liveUids, cluster, now)) {
                    destroyed.add(vm.name());
                }
            }
        }
        return new Sweep(keyed.size(), orphans.size(), destroyed);
    }

    /** Ours (stamped with this cluster's name: another cluster may share the vCenter) and of no live TestVM. */
    private static boolean isOrphan(VmInfo vm, Set<String> liveUids, String cluster) {
        String uid = uid(vm);
        return cluster.equals(vm.extraConfig().get(ClusterIdentity.KEY)) && uid != null && !uid.isBlank() && !liveUids.contains(uid);
    }

    /** The VMs live TestVMs hold: a claimed pool VM carries the UID of the pool TestVM, not of its holder. */
    private static Set<MoRef> recordedVms(List<TestVM> live) {
        Set<MoRef> recorded = new HashSet<>();
        for (TestVM t : live) {
            if (t.getStatus() != null && t.getStatus().getVm() != null && t.getStatus().getVm().getMoRef() != null) {
                recorded.add(MoRef.parse(t.getStatus().getVm().getMoRef()));
            }
        }
        return recorded;
    }

    private static String uid(VmInfo vm) {
        return vm.extraConfig().get(VmIdentity.UID_KEY);
    }

    /** The VMs live TestVMs clone from: one of them may carry our key (a TestVM's VM used as instant-clone parent). */
    private Set<MoRef> sourcesOf(VCenter vc, List<TestVM> live) {
        Set<String> paths = new HashSet<>();
        for (TestVM testVM : live) {
            if (testVM.getSpec() != null && testVM.getSpec().getTemplate() != null) {
                paths.add(placement.templatePath(testVM.getSpec()));
            }
        }
        Set<MoRef> sources = new HashSet<>();
        for (String path : paths) {
            vc.findByInventoryPath(path).ifPresent(sources::add);
        }
        return sources;
    }

    private boolean destroy(VCenter vc, VmInfo seen, Set<String> liveUids, String cluster, Instant now) {
        MoRef vm = seen.moRef();
        Duration orphanedFor = Duration.between(orphanedSince.get(vm), now);
        try {
            // Read again: the VM may have changed since the list (a moRef is never reused, but be sure it is still ours).
            VmInfo info = vc.vmInfo(vm);
            if (info.template() || !Objects.equals(uid(info), uid(seen)) || !isOrphan(info, liveUids, cluster)) {
                orphanedSince.remove(vm);
                return false;
            }
            if (info.powerState() != PowerState.POWERED_OFF) {
                if (!finished(vc, vc.startPowerOff(vm), "power-off", info)) {
                    return false;
                }
            }
            if (!finished(vc, vc.startDestroy(vm), "destroy", info)) {
                return false;
            }
            orphanedSince.remove(vm);
            destroyedCounter.increment();
            LOG.infof("destroyed orphan VM %s (%s): %s=%s matches no TestVM; seen orphaned for %s (since %s)",
                    info.name(), vm.value(), VmIdentity.UID_KEY, uid(info), orphanedFor, now.minus(orphanedFor));
            return true;
        } catch (TaskCapacityExceededException e) {
            LOG.debugf("orphan VM %s (%s): no free vCenter task slot; next sweep", seen.name(), vm.value());
            return false;
        } catch (VimFaultException e) {
            if (ManagedObjects.isNotFound(e)) {
                orphanedSince.remove(vm);
                return false;
            }
            LOG.warnf("orphan VM %s (%s): %s; trying again next sweep", seen.name(), vm.value(), e.getMessage());
            return false;
        }
    }

    /** Waits for the task on the sweeper's thread; false (and a warning) if it failed or took too long. */
    private boolean finished(VCenter vc, MoRef task, String what, VmInfo vm) {
        long deadline = System.nanoTime() + taskTimeout.toNanos();
        while (true) {
            TaskInfo info = vc.taskInfo(task);
            if (info.state() == TaskInfo.State.SUCCESS) {
                return true;
            }
            if (info.state() == TaskInfo.State.ERROR) {
                LOG.warnf("orphan VM %s (%s): %s task %s failed: %s; trying again next sweep", vm.name(), vm.moRef().value(),
                        what, task.value(), Optional.ofNullable(info.error()).map(Throwable::getMessage).orElse("unknown error"));
                return false;
            }
            if (System.nanoTime() > deadline) {
                LOG.warnf("orphan VM %s (%s): %s task %s still running after %s; trying again next sweep",
                        vm.name(), vm.moRef().value(), what, task.value(), taskTimeout);
                return false;
            }
            try {
                Thread.sleep(TASK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
