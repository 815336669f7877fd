package dev.testvm.testsupport;

import dev.testvm.vsphere.soap.FaultMapper;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.CloneType;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.TaskSlots;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.NoSnapshotException;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one in-memory fake of our own {@link VCenter} interface, for unit tests.
 *
 * <p>{@code new FakeVCenter()}: inventory, clones and tasks for the reconciler; tasks stay running
 * until the test {@link #complete completes} or {@link #fail fails} them, so every intermediate state
 * can be reconciled; guest operations are refused (a reconciler test that reaches the guest is
 * wrong). {@link #guestOnly()}: a scripted guest for discovery ({@link #then(Run)}); every
 * inventory, task and watcher call is refused, since discovery must use the {@link VmInfo} it is
 * given. {@link #withGuest()} allows both. Every call is recorded in {@link #calls}.
 */
public final class FakeVCenter implements VCenter {

    /** One VM or template of the fake inventory; tests change its fields as vCenter would. */
    public static final class Vm {
        public MoRef moRef;
        public String name;
        public String instanceUuid;
        public boolean template;
        public PowerState power = PowerState.POWERED_OFF;
        public boolean tools;
        public String ip;
        public MoRef snapshot;
        public final Map<String, String> extraConfig = new HashMap<>();

        VmInfo info() {
            return new VmInfo(moRef, name, instanceUuid, template, power, new MoRef("HostSystem", "host-1"), tools, tools,
                    tools ? "linuxGuest" : null, "ubuntu64Guest", ip,
                    ip == null ? List.of() : List.of(new GuestNic("VM Network", "00:50:56:00:00:01", true, List.of(ip))),
                    extraConfig, snapshot, List.of());
        }
    }

    /** One scripted guest program run: polls it stays running, exit code, what it prints. */
    public record Run(int pollsRunning, int exitCode, byte[] output) {
        public static Run printing(String output) {
            return new Run(0, 0, output.getBytes(StandardCharsets.UTF_8));
        }

        public static Run failing(int exitCode, String output) {
            return new Run(0, exitCode, output.getBytes(StandardCharsets.UTF_8));
        }

        public Run runningFor(int polls) {
            return new Run(polls, exitCode, output);
        }
    }

    /** A guest program the code under test started. */
    public record Started(String program, String arguments, String outputPath, GuestCredentials credentials) {}

    /** {@code source}: the VM a clone task clones, null for other tasks. */
    private record Task(MoRef ref, Runnable onSuccess, MoRef result, MoRef source) {}

    /** Every call, in order ("startClone name", "vmInfo vm-7", guest calls as "start", "list", ...). */
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    // --- inventory and tasks
    public final Map<String, MoRef> inventory = new HashMap<>();
    public final Map<MoRef, Vm> vms = new HashMap<>();
    public final Map<MoRef, TaskInfo> tasks = new HashMap<>();
    /** Only clones vCenter accepted. */
    public final List<CloneRequest> clones = new ArrayList<>();
    /** What the watcher would follow now. */
    public final Set<MoRef> followed = ConcurrentHashMap.newKeySet();
    /** Faults the next clone calls answer with, before any task is made. */
    public final Deque<RuntimeException> cloneCallFaults = new ArrayDeque<>();
    /** VM reads fail as when the connection to vCenter breaks (e.g. a stopping operator's calls are interrupted). */
    public volatile boolean unreachable;
    /** Tasks that may run at once, as maxConcurrentTasks bounds VimVCenter's. */
    public int taskLimit = 8;
    /** The next clone starts its task but its answer is lost (the connection broke), as after a network cut. */
    public boolean loseNextCloneAnswer;
    /** The next this-many task starts are refused as over the operator's task limit. */
    public int refuseTasks;
    /** Tasks succeed as they start (for code that waits on its tasks, e.g. the orphan sweeper). */
    public boolean completeTasksAtOnce;
    /** Every inventory and task call fails as when vCenter is down ({@link #unreachable}: VM reads only). */
    public volatile boolean down;

    // --- the scripted guest (aliases of FakeGuest's state, so tests read them here)
    private final FakeGuest guest = new FakeGuest(calls);
    public final List<Started> started = guest.started;
    public final Map<String, byte[]> files = guest.files;
    public final List<String> deleted = guest.deleted;
    public final List<Long> terminated = guest.terminated;
    public final Deque<Run> script = guest.script;
    public final Deque<VimFaultException> startFaults = guest.startFaults;
    public final Deque<VimFaultException> downloadFaults = guest.downloadFaults;
    public final Deque<RuntimeException> listFaults = guest.listFaults;

    private final Map<MoRef, Task> pending = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private final List<Runnable> slotListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<PropertyChange>> changeListeners = new CopyOnWriteArrayList<>();
    private boolean inventoryAllowed = true;
    private boolean guestAllowed;

    /** A scripted guest only: inventory, task and watcher calls fail the test. */
    public static FakeVCenter guestOnly() {
        FakeVCenter fake = new FakeVCenter();
        fake.inventoryAllowed = false;
        fake.guestAllowed = true;
        return fake;
    }

    /** Allows guest operations besides the inventory. */
    public FakeVCenter withGuest() {
        guestAllowed = true;
        return this;
    }

    // --- test controls

    public Vm addTemplate(String path, boolean withSnapshot) {
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

    /** A VM (not a template) that exists already, e.g. one a TestVM's clone made earlier. */
    public synchronized Vm addVm(String name, PowerState power, Map<String, String> extraConfig) {
        Vm vm = new Vm();
        vm.moRef = MoRef.vm("vm-" + ids.incrementAndGet());
        vm.name = name;
        vm.instanceUuid = UUID.randomUUID().toString();
        vm.power = power;
        vm.extraConfig.putAll(extraConfig);
        vms.put(vm.moRef, vm);
        return vm;
    }

    public synchronized Vm vmByUuid(String uuid) {
        return vms.values().stream().filter(v -> uuid.equals(v.instanceUuid)).findFirst().orElse(null);
    }

    /** Completes a running task successfully, applying its effect. */
    public synchronized void complete(MoRef task) {
        Task t = pending.remove(task);
        t.onSuccess().run();
        tasks.put(task, new TaskInfo(task, TaskInfo.State.SUCCESS, t.result(), null));
        slotListeners.forEach(Runnable::run);
    }

    public synchronized void fail(MoRef task, String faultType, String message) {
        pending.remove(task);
        tasks.put(task, new TaskInfo(task, TaskInfo.State.ERROR, null, FaultMapper.exception(faultType, message)));
        slotListeners.forEach(Runnable::run);
    }

    public synchronized void completeAll() {
        new ArrayList<>(pending.keySet()).forEach(this::complete);
    }

    public synchronized List<MoRef> runningTasks() {
        return new ArrayList<>(pending.keySet());
    }

    /** Reports a change as the watcher would. */
    public void report(PropertyChange change) {
        changeListeners.forEach(l -> l.accept(change));
    }

    /** Queues the guest's next program run. */
    public FakeVCenter then(Run run) {
        guest.script.add(run);
        return this;
    }

    public int guestCalls() {
        return calls.size();
    }

    /** Guest programs started and neither finished nor terminated. */
    public long running() {
        return guest.running();
    }

    public void deleteFault(VimFaultException fault) {
        guest.deleteFault = fault;
    }

    public void acceptedGuestPassword(String password) {
        guest.acceptedPassword = password;
    }

    // --- VCenter: inventory

    @Override
    public Optional<MoRef> findByInventoryPath(String inventoryPath) {
        inventory("findByInventoryPath " + inventoryPath);
        return Optional.ofNullable(inventory.get(inventoryPath));
    }

    @Override
    public synchronized Optional<MoRef> findVmByInstanceUuid(String instanceUuid) {
        inventory("findVmByInstanceUuid");
        return Optional.ofNullable(vmByUuid(instanceUuid)).map(v -> v.moRef);
    }

    @Override
    public synchronized VmInfo vmInfo(MoRef vm) {
        inventory("vmInfo " + vm.value());
        if (unreachable) {
            throw new VCenterUnreachableException("interrupted while calling vCenter (RetrievePropertiesEx)", null);
        }
        return vm(vm).info();
    }

    @Override
    public Optional<MoRef> moRefProperty(MoRef object, String propertyPath) {
        inventory("moRefProperty " + propertyPath);
        return Optional.empty();
    }

    @Override
    public synchronized Optional<MoRef> findSnapshot(MoRef vm, String name) {
        inventory("findSnapshot " + name);
        return Optional.ofNullable(vm(vm).snapshot);
    }

    @Override
    public synchronized List<VmInfo> vmsWithExtraConfigKey(String key) {
        inventory("vmsWithExtraConfigKey " + key);
        return vms.values().stream().filter(v -> v.extraConfig.containsKey(key)).map(Vm::info).toList();
    }

    // --- VCenter: tasks

    @Override
    public synchronized MoRef startClone(CloneRequest request) {
        inventory("startClone " + request.name());
        if (!cloneCallFaults.isEmpty()) {
            throw cloneCallFaults.poll();
        }
        if (request.type() == CloneType.LINKED && request.snapshot() == null && vms.containsKey(request.source())
                && vm(request.source()).snapshot == null) {
            // As the client (Cloner) refuses it before calling vCenter.
            throw new NoSnapshotException("source VM '" + vm(request.source()).name + "' has no snapshot");
        }
        Vm clone = new Vm();
        clone.moRef = MoRef.vm("vm-" + ids.incrementAndGet());
        clone.name = request.name();
        clone.instanceUuid = request.instanceUuid();
        clone.extraConfig.putAll(request.extraConfig());
        MoRef task = startTask(() -> vms.put(clone.moRef, clone), clone.moRef, request.source());
        clones.add(request);
        if (loseNextCloneAnswer) {
            loseNextCloneAnswer = false;
            throw new VCenterUnreachableException("connection reset while reading the answer", null);
        }
        return task;
    }

    @Override
    public synchronized List<MoRef> activeCloneTasks(MoRef source) {
        inventory("activeCloneTasks " + source.value());
        return pending.values().stream().filter(t -> source.equals(t.source())).map(Task::ref).toList();
    }

    @Override
    public synchronized MoRef startPowerOn(MoRef vm) {
        inventory("startPowerOn " + vm.value());
        Vm target = vm(vm);
        return startTask(() -> target.power = PowerState.POWERED_ON, null, null);
    }

    @Override
    public synchronized MoRef startPowerOff(MoRef vm) {
        inventory("startPowerOff " + vm.value());
        Vm target = vm(vm);
        return startTask(() -> {
            target.power = PowerState.POWERED_OFF;
            target.tools = false;
        }, null, null);
    }

    @Override
    public synchronized MoRef startDestroy(MoRef vm) {
        inventory("startDestroy " + vm.value());
        vm(vm);
        return startTask(() -> vms.remove(vm), null, null);
    }

    @Override
    public synchronized TaskInfo taskInfo(MoRef task) {
        inventory("taskInfo " + task.value());
        TaskInfo info = tasks.get(task);
        if (info == null) {
            throw FaultMapper.exception("ManagedObjectNotFound", "no task " + task);
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

    // --- VCenter: guest operations

    @Override
    public long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments) {
        guest();
        return guest.start(credentials, programPath, arguments);
    }

    @Override
    public List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids) {
        guest();
        return guest.list(credentials, pids);
    }

    @Override
    public byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        guest();
        return guest.download(credentials, guestPath);
    }

    @Override
    public void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid) {
        guest();
        guest.terminate(credentials, pid);
    }

    @Override
    public void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        guest();
        guest.delete(credentials, guestPath);
    }

    // --- VCenter: the watcher

    @Override
    public void follow(MoRef object) {
        watcher("follow");
        followed.add(object);
    }

    @Override
    public void unfollow(MoRef object) {
        watcher("unfollow");
        followed.remove(object);
    }

    @Override
    public void addChangeListener(Consumer<PropertyChange> listener) {
        watcher("addChangeListener");
        changeListeners.add(listener);
    }

    @Override
    public void close() {}

    // --- internals

    private void inventory(String call) {
        if (!inventoryAllowed) {
            throw new UnsupportedOperationException(call + ": this fake is a guest only (discovery must use the VmInfo it is given)");
        }
        calls.add(call);
        if (down) {
            throw new VCenterUnreachableException("connection refused (FakeVCenter.down)", null);
        }
    }

    private void watcher(String call) {
        if (!inventoryAllowed) {
            throw new UnsupportedOperationException(call + ": this fake is a guest only");
        }
    }

    private void guest() {
        if (!guestAllowed) {
            throw new UnsupportedOperationException("guest operations are not part of these tests (FakeVCenter.withGuest())");
        }
    }

    private synchronized MoRef startTask(Runnable onSuccess, MoRef result, MoRef source) {
        if (refuseTasks > 0) {
            refuseTasks--;
            throw new TaskCapacityExceededException(taskLimit);
        }
        if (pending.size() >= taskLimit) {
            throw new TaskCapacityExceededException(taskLimit);
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
            throw FaultMapper.exception("ManagedObjectNotFound", "The object '" + ref + "' has already been deleted");
        }
        return vm;
    }
}
