package dev.testvm.reconciler;

import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.TaskSlots;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory fake of our own {@link VCenter} interface for reconciler unit tests: tasks stay
 * running until the test completes them, so every intermediate state can be reconciled.
 */
final class FakeVCenter implements VCenter {

    static final class Vm {
        MoRef moRef;
        String name;
        String instanceUuid;
        boolean template;
        PowerState power = PowerState.POWERED_OFF;
        boolean tools;
        String ip;
        MoRef snapshot;
        Map<String, String> extraConfig = new HashMap<>();

        VmInfo info() {
            return new VmInfo(moRef, name, instanceUuid, template, power, new MoRef("HostSystem", "host-1"), tools, tools,
                    tools ? "linuxGuest" : null, "ubuntu64Guest", ip,
                    ip == null ? List.of() : List.of(new GuestNic("VM Network", "00:50:56:00:00:01", true, List.of(ip))),
                    extraConfig, snapshot, List.of());
        }
    }

    /** {@code source}: the VM a clone task clones, null for other tasks. */
    private record Task(MoRef ref, Runnable onSuccess, MoRef result, MoRef source) {}

    final Map<String, MoRef> inventory = new HashMap<>();
    final Map<MoRef, Vm> vms = new HashMap<>();
    final Map<MoRef, TaskInfo> tasks = new HashMap<>();
    private final Map<MoRef, Task> pending = new HashMap<>();
    final List<CloneRequest> clones = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private final List<Runnable> slotListeners = new CopyOnWriteArrayList<>();
    /** What the watcher would follow now. */
    final java.util.Set<MoRef> followed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Consumer<PropertyChange>> changeListeners = new CopyOnWriteArrayList<>();
    /** Tasks that may run at once, as maxConcurrentTasks bounds VimVCenter's. */
    int taskLimit = 8;

    Vm addTemplate(String path, boolean withSnapshot) {
        Vm vm = new Vm();
        vm.moRef = MoRef.vm("vm-" + ids.incrementAndGet());
        vm.name = path.substring(path.lastIndexOf('/') + 1);
        vm.instanceUuid = "template-" + vm.moRef.value();
        vm.template = true;
        vm.snapshot = withSnapshot ? new MoRef("VirtualMachineSnapshot", "snapshot-" + ids.incrementAndGet()) : null;
        vms.put(vm.moRef, vm);
        inventory.put(path, vm.moRef);
        return vm;
    }

    /** Completes a running task successfully, applying its effect. */
    synchronized void complete(MoRef task) {
        Task t = pending.remove(task);
        t.onSuccess().run();
        tasks.put(task, new TaskInfo(task, TaskInfo.State.SUCCESS, t.result(), null));
        slotListeners.forEach(Runnable::run);
    }

    synchronized void fail(MoRef task, String faultType, String message) {
        pending.remove(task);
        tasks.put(task, new TaskInfo(task, TaskInfo.State.ERROR, null, new VimFaultException(faultType, message)));
        slotListeners.forEach(Runnable::run);
    }

    synchronized void completeAll() {
        new ArrayList<>(pending.keySet()).forEach(this::complete);
    }

    synchronized List<MoRef> runningTasks() {
        return new ArrayList<>(pending.keySet());
    }

    Vm vmByUuid(String uuid) {
        return vms.values().stream().filter(v -> uuid.equals(v.instanceUuid)).findFirst().orElse(null);
    }

    /** The next clone starts its task but its answer is lost (the connection broke), as after a network cut. */
    boolean loseNextCloneAnswer;

    /** The next this-many task starts are refused as over the operator's task limit. */
    int refuseTasks;
    /** Tasks succeed as they start (for code that waits on its tasks, e.g. the orphan sweeper). */
    boolean completeTasksAtOnce;

    private synchronized MoRef startTask(Runnable onSuccess, MoRef result) {
        return startTask(onSuccess, result, null);
    }

    private synchronized MoRef startTask(Runnable onSuccess, MoRef result, MoRef source) {
        if (refuseTasks > 0) {
            refuseTasks--;
            throw new dev.testvm.vsphere.fault.TaskCapacityExceededException(taskLimit);
        }
        if (pending.size() >= taskLimit) {
            throw new dev.testvm.vsphere.fault.TaskCapacityExceededException(taskLimit);
        }
        MoRef task = MoRef.task("task-" + ids.incrementAndGet());
        pending.put(task, new Task(task, onSuccess, result, source));
        tasks.put(task, new TaskInfo(task, TaskInfo.State.RUNNING, null, null));
        if (completeTasksAtOnce) {
            complete(task);
        }
        return task;
    }

    private Vm vm(MoRef ref) {
        Vm vm = vms.get(ref);
        if (vm == null) {
            throw new VimFaultException("ManagedObjectNotFound", "The object '" + ref + "' has already been deleted");
        }
        return vm;
    }

    @Override
    public Optional<MoRef> findByInventoryPath(String inventoryPath) {
        calls.add("findByInventoryPath " + inventoryPath);
        return Optional.ofNullable(inventory.get(inventoryPath));
    }

    @Override
    public synchronized Optional<MoRef> findVmByInstanceUuid(String instanceUuid) {
        calls.add("findVmByInstanceUuid");
        return Optional.ofNullable(vmByUuid(instanceUuid)).map(v -> v.moRef);
    }

    /** Reads of VMs fail as when the connection to vCenter breaks (e.g. a stopping operator's calls are interrupted). */
    volatile boolean unreachable;

    @Override
    public synchronized VmInfo vmInfo(MoRef vm) {
        calls.add("vmInfo " + vm.value());
        if (unreachable) {
            throw new dev.testvm.vsphere.VCenterUnreachableException("interrupted while calling vCenter (RetrievePropertiesEx)", null);
        }
        return vm(vm).info();
    }

    @Override
    public Optional<MoRef> moRefProperty(MoRef object, String propertyPath) {
        return Optional.empty();
    }

    @Override
    public Optional<MoRef> findSnapshot(MoRef vm, String name) {
        return Optional.ofNullable(vm(vm).snapshot);
    }

    /** A VM (not a template) that exists already, e.g. one a TestVM's clone made earlier. */
    synchronized Vm addVm(String name, PowerState power, Map<String, String> extraConfig) {
        Vm vm = new Vm();
        vm.moRef = MoRef.vm("vm-" + ids.incrementAndGet());
        vm.name = name;
        vm.instanceUuid = java.util.UUID.randomUUID().toString();
        vm.power = power;
        vm.extraConfig.putAll(extraConfig);
        vms.put(vm.moRef, vm);
        return vm;
    }

    @Override
    public synchronized List<VmInfo> vmsWithExtraConfigKey(String key) {
        return vms.values().stream().filter(v -> v.extraConfig.containsKey(key)).map(Vm::info).toList();
    }

    /** Faults the next clone calls answer with, before any task is made. */
    final java.util.Deque<RuntimeException> cloneCallFaults = new java.util.ArrayDeque<>();

    @Override
    public synchronized MoRef startClone(CloneRequest request) {
        calls.add("startClone " + request.name());
        if (!cloneCallFaults.isEmpty()) {
            throw cloneCallFaults.poll();
        }
        Vm clone = new Vm();
        clone.moRef = MoRef.vm("vm-" + ids.incrementAndGet());
        clone.name = request.name();
        clone.instanceUuid = request.instanceUuid();
        clone.extraConfig.putAll(request.extraConfig());
        MoRef task = startTask(() -> vms.put(clone.moRef, clone), clone.moRef, request.source());
        clones.add(request); // only clones vCenter accepted
        if (loseNextCloneAnswer) {
            loseNextCloneAnswer = false;
            throw new dev.testvm.vsphere.VCenterUnreachableException("connection reset while reading the answer", null);
        }
        return task;
    }

    @Override
    public synchronized List<MoRef> activeCloneTasks(MoRef source) {
        calls.add("activeCloneTasks " + source.value());
        return pending.values().stream().filter(t -> source.equals(t.source())).map(Task::ref).toList();
    }

    @Override
    public synchronized MoRef startPowerOn(MoRef vm) {
        calls.add("startPowerOn " + vm.value());
        Vm target = vm(vm);
        return startTask(() -> target.power = PowerState.POWERED_ON, null);
    }

    @Override
    public synchronized MoRef startPowerOff(MoRef vm) {
        calls.add("startPowerOff " + vm.value());
        Vm target = vm(vm);
        return startTask(() -> {
            target.power = PowerState.POWERED_OFF;
            target.tools = false;
        }, null);
    }

    @Override
    public synchronized MoRef startDestroy(MoRef vm) {
        calls.add("startDestroy " + vm.value());
        vm(vm);
        return startTask(() -> vms.remove(vm), null);
    }

    @Override
    public synchronized TaskInfo taskInfo(MoRef task) {
        TaskInfo info = tasks.get(task);
        if (info == null) {
            throw new VimFaultException("ManagedObjectNotFound", "no task " + task);
        }
        return info;
    }

    @Override
    public synchronized TaskSlots taskSlots() {
        return new TaskSlots(taskLimit, pending.size());
    }

    @Override
    public void addTaskSlotListener(Runnable listener) {
        slotListeners.add(listener);
    }

    @Override
    public long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments) {
        throw new UnsupportedOperationException("guest operations are not part of these tests");
    }

    @Override
    public List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids) {
        throw new UnsupportedOperationException();
    }

    @Override
    public byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void follow(MoRef object) {
        followed.add(object);
    }

    @Override
    public void unfollow(MoRef object) {
        followed.remove(object);
    }

    @Override
    public void addChangeListener(Consumer<PropertyChange> listener) {
        changeListeners.add(listener);
    }

    /** Reports a change as the watcher would. */
    void report(PropertyChange change) {
        changeListeners.forEach(l -> l.accept(change));
    }

    @Override
    public void close() {}
}
