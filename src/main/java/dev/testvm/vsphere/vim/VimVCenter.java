package dev.testvm.vsphere.vim;

import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.TaskSlots;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.object.Cloner;
import dev.testvm.vsphere.object.GuestOperations;
import dev.testvm.vsphere.object.SearchIndex;
import dev.testvm.vsphere.object.Task;
import dev.testvm.vsphere.object.VirtualMachine;
import dev.testvm.vsphere.object.VmProperties;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.property.WatchEvent;
import dev.testvm.vsphere.property.Watcher;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.session.TaskLimiter;
import dev.testvm.vsphere.soap.RequestStats;
import dev.testvm.vsphere.soap.SoapClient;
import dev.testvm.vsphere.soap.TlsContexts;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.types.ConfigSpec;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import dev.testvm.vsphere.transfer.EsxiHostReader;
import dev.testvm.vsphere.transfer.GuestFileTransfers;
import dev.testvm.vsphere.transfer.HostTrustPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * {@link VCenter} over our own vim25 SOAP client. Layers, bottom up: {@code soap} (transport,
 * XML, faults, TLS) → {@code methods} (one static method per vim25 operation) → {@code session}
 * (login / re-login, task bound) → {@code object} (VirtualMachine, Task, GuestOperations,
 * SearchIndex, Cloner) and {@code property} (property reads, the watcher loop) → this class.
 *
 * <p>Tasks: every task started here counts against {@code maxConcurrentTasks} until this client
 * sees it finished (see {@link TaskLimiter}); to see that without help, the client follows its own
 * tasks in the watcher until they finish, and their changes reach the change listeners too. The
 * watcher's values of followed tasks (and a finished task's info) are kept, so {@link #taskInfo}
 * usually costs no request.
 *
 * <p>VMs: {@link #vmInfo} of a VM the watcher follows is answered from the watcher's values when
 * they are current (see {@link Watcher#current}), and read from vCenter otherwise. Two cases are
 * read although the watcher holds the VM, because this client knows something newer than the
 * watcher: a task of ours on the VM was seen finished by a read rather than by the watcher, or by
 * the watcher's first report of it (an object added to the view is reported as it is now, which
 * may be ahead of its VM's changes still queued), or a task start on the VM was refused (the VM
 * is not in the state the watcher last reported), or the VM was read while followed (the caller
 * saw it newer than the watcher's first report may show it). Until a poll sent after that moment has come
 * back, the VM is read. (A task the watcher saw running and then finished needs no such care: the
 * watcher applies a whole poll before it reports any of it, and vCenter changes a VM before it
 * marks the task that changed it done.) A VM our own Destroy_Task removed is known gone without
 * asking.
 */
public final class VimVCenter implements VCenter {

    private static final Logger LOG = Logger.getLogger(VimVCenter.class);
    private static final int FINISHED_TASKS_REMEMBERED = 10_000;
    private static final int DESTROYED_VMS_REMEMBERED = 10_000;
    /** How long a task started here is taken as queued while the watcher's first report of it is on its way. */
    private static final Duration FIRST_REPORT_WAIT = Duration.ofSeconds(10);
    private static final Duration HOST_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Knobs that are not connection settings.
     *
     * @param watchWaitSeconds maxWaitSeconds of each WaitForUpdatesEx long poll
     * @param pageSize maxObjects per RetrievePropertiesEx page
     */
    public record Tuning(int watchWaitSeconds, int pageSize) {
        public static final Tuning DEFAULT = new Tuning(30, 100);
    }

    private final Session session;
    private final PropertyReader reader;
    private final SearchIndex searchIndex;
    private final Cloner cloner;
    private final GuestOperations guest;
    private final TaskLimiter limiter;
    private final Watcher watcher;
    private final List<Consumer<PropertyChange>> listeners = new CopyOnWriteArrayList<>();
    private final Set<MoRef> followedByCaller = ConcurrentHashMap.newKeySet();
    private final Set<MoRef> ownTasks = ConcurrentHashMap.newKeySet();
    /** Own tasks the watcher has not reported yet → when they were started (System.nanoTime). */
    private final Map<MoRef, Long> unreported = new ConcurrentHashMap<>();
    /** Destroy_Task → its VM, so that the VM's followers hear removed=true when the task succeeds. */
    private final Map<MoRef, MoRef> destroying = new ConcurrentHashMap<>();
    private final Map<MoRef, Map<String, XmlElement>> taskValues = new ConcurrentHashMap<>();
    private final Map<MoRef, TaskInfo> finishedTasks = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MoRef, TaskInfo> eldest) {
            return size() > FINISHED_TASKS_REMEMBERED;
        }
    });
    /** Our power-on, power-off and destroy tasks → their VM (see {@link #readNewerThanWatcher}). */
    private final Map<MoRef, MoRef> taskTargets = new ConcurrentHashMap<>();
    /** Our power-on and power-off tasks → the power state their VM has once they succeeded. */
    private final Map<MoRef, PowerState> powerAfter = new ConcurrentHashMap<>();
    /** VMs this client knows more about than the watcher's values → the watcher's poll mark at that moment. */
    private final Map<MoRef, Long> aheadOfWatcher = new ConcurrentHashMap<>();
    private final Set<MoRef> destroyedVms = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MoRef, Boolean> eldest) {
            return size() > DESTROYED_VMS_REMEMBERED;
        }
    }));
    /**
     * The device list of each followed VM as last read here (empty: it has none): the watcher
     * leaves it out ({@link Watcher#VM_PATHS}), so a VM is answered from the watcher only once it
     * was read whole (a VM is read once before it is followed: the clone step records it). Our
     * clones' devices never change. Dropped when the VM is unfollowed or destroyed; bounded like
     * {@link #destroyedVms} for VMs read but never followed (templates).
     */
    private final Map<MoRef, Optional<XmlElement>> devicesRead = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MoRef, Optional<XmlElement>> eldest) {
            return size() > DESTROYED_VMS_REMEMBERED;
        }
    });
    private volatile boolean closed;

    private VimVCenter(ConnectionSettings settings, Session session, Tuning tuning) {
        this.session = session;
        this.reader = new PropertyReader(session, tuning.pageSize());
        this.searchIndex = new SearchIndex(session);
        this.cloner = new Cloner(session, reader);
        this.guest = new GuestOperations(session, reader, new GuestFileTransfers(new WatchedHostSource(new EsxiHostReader(reader), this::watchedValues),
                HostTrustPolicy.of(settings), null, hostConnectTimeout(settings), settings.requestTimeout(),
                session.soap().stats(), Clock.systemUTC()));
        this.limiter = new TaskLimiter(settings.maxConcurrentTasks());
        this.watcher = new Watcher(session, tuning.watchWaitSeconds(), this::onWatchEvent);
    }

    /**
     * A firewalled ESXi host often drops packets rather than refusing: its downloads must give up
     * long before a vCenter request would, so discovery can take the vCenter-only channel.
     */
    private static Duration hostConnectTimeout(ConnectionSettings settings) {
        return settings.requestTimeout().compareTo(HOST_CONNECT_TIMEOUT) < 0 ? settings.requestTimeout() : HOST_CONNECT_TIMEOUT;
    }

    /** Connects and logs in; wrong credentials throw {@code InvalidLoginException}, TLS problems {@link VCenterUnreachableException}. */
    public static VCenter connect(ConnectionSettings settings) {
        return open(settings, Tuning.DEFAULT);
    }

    public static VimVCenter open(ConnectionSettings settings, Tuning tuning) {
        SoapClient soap = new SoapClient(settings.url(), sslContext(settings), settings.requestTimeout());
        return new VimVCenter(settings, Session.open(soap, settings.username(), settings.password()), tuning);
    }

    /** Pinning wins over everything; insecure only when asked and no pin is given; else PKIX verification. */
    static SSLContext sslContext(ConnectionSettings settings) {
        if (settings.sha256Thumbprint() != null && !settings.sha256Thumbprint().isBlank()) {
            return TlsContexts.pinned(settings.sha256Thumbprint());
        }
        if (settings.insecure()) {
            LOG.warnf("TLS verification is OFF for %s (insecure=true)", settings.url());
            return TlsContexts.insecure();
        }
        return TlsContexts.verifying(settings.caBundle());
    }

    @Override
    public Optional<MoRef> findByInventoryPath(String inventoryPath) {
        return searchIndex.byInventoryPath(inventoryPath);
    }

    @Override
    public Optional<MoRef> findVmByInstanceUuid(String instanceUuid) {
        return searchIndex.vmByInstanceUuid(instanceUuid);
    }

    /** From the watcher when it holds the VM and nothing newer is known here (see the class comment), else one read. */
    @Override
    public VmInfo vmInfo(MoRef vm) {
        if (destroyedVms.contains(vm)) {
            throw new ManagedObjectNotFoundException("VM " + vm.value() + " was destroyed by this operator");
        }
        Optional<Map<String, XmlElement>> held = watchedValues(vm);
        Optional<XmlElement> devices = devicesRead.get(vm);
        if (held.isPresent() && devices != null) {
            Map<String, XmlElement> whole = new HashMap<>(held.get());
            devices.ifPresent(list -> whole.put(Watcher.VM_DEVICES, list));
            return VmProperties.parse(vm, new ObjectContent(vm, whole));
        }
        ObjectContent content = new VirtualMachine(session, reader, vm).properties(VmProperties.PATHS);
        VmInfo read = VmProperties.parse(vm, content);
        devicesRead.put(vm, Optional.ofNullable(content.get(Watcher.VM_DEVICES)));
        if (watcher.followed().contains(vm)) {
            // The caller has now seen the VM as it is; the watcher's values (its first report may
            // still be on its way) could be older: read until a poll sent after this came back.
            readNewerThanWatcher(vm);
        }
        return read;
    }

    /** The watcher's values of a VM, unless this client knows of something newer. */
    private Optional<Map<String, XmlElement>> watchedValues(MoRef vm) {
        return watcherIsBehind(vm) ? Optional.empty() : watcher.current(vm);
    }

    private boolean watcherIsBehind(MoRef vm) {
        Long mark = aheadOfWatcher.get(vm);
        if (mark == null) {
            return false;
        }
        if (watcher.caughtUpWith(mark)) {
            aheadOfWatcher.remove(vm, mark);
            return false;
        }
        return true;
    }

    /** This client learnt something about {@code vm} that the watcher may not have delivered yet. */
    private void readNewerThanWatcher(MoRef vm) {
        if (vm != null) {
            aheadOfWatcher.values().removeIf(watcher::caughtUpWith); // few entries: tasks end within seconds
            aheadOfWatcher.put(vm, watcher.pollMark());
        }
    }

    @Override
    public Optional<MoRef> moRefProperty(MoRef object, String propertyPath) {
        return reader.read(object, List.of(propertyPath)).map(c -> c.get(propertyPath)).map(Values::moRef);
    }

    @Override
    public Optional<MoRef> findSnapshot(MoRef vm, String name) {
        return new VirtualMachine(session, reader, vm).snapshotNamed(name);
    }

    @Override
    public List<VmInfo> vmsWithExtraConfigKey(String key) {
        return reader.readAll(session.serviceContent().rootFolder(), "VirtualMachine", VmProperties.PATHS).stream()
                .map(content -> VmProperties.parse(content.obj(), content))
                .filter(info -> info.extraConfig().containsKey(key))
                .toList();
    }

    @Override
    public MoRef startClone(CloneRequest request) {
        return startTask(null, () -> cloner.start(request));
    }

    @Override
    public List<MoRef> activeCloneTasks(MoRef source) {
        return new VirtualMachine(session, reader, source).activeCloneTasks();
    }

    @Override
    public MoRef startPowerOn(MoRef vm) {
        MoRef task = startTask(vm, () -> new VirtualMachine(session, reader, vm).powerOn());
        powerAfter.put(task, PowerState.POWERED_ON);
        return task;
    }

    @Override
    public MoRef startPowerOff(MoRef vm) {
        MoRef task = startTask(vm, () -> new VirtualMachine(session, reader, vm).powerOff());
        powerAfter.put(task, PowerState.POWERED_OFF);
        return task;
    }

    @Override
    public MoRef startDestroy(MoRef vm) {
        MoRef task = startTask(vm, () -> new VirtualMachine(session, reader, vm).destroy());
        destroying.put(task, vm);
        return task;
    }

    /** A task on {@code vm} (null for a clone, whose VM does not exist yet). */
    private MoRef startTask(MoRef vm, Supplier<MoRef> start) {
        limiter.acquire();
        MoRef task;
        try {
            task = start.get();
        } catch (RuntimeException e) {
            limiter.abandon();
            // Refused (e.g. InvalidPowerState): the VM is not as the watcher last reported it.
            readNewerThanWatcher(vm);
            throw e;
        }
        if (vm != null) {
            taskTargets.put(task, vm);
        }
        limiter.started(task);
        ownTasks.add(task);
        unreported.put(task, System.nanoTime());
        try {
            // The caller follows it (and the VM it acts on) next: one ModifyListView for both.
            watcher.followSoon(task);
        } catch (RuntimeException e) {
            LOG.debugf("cannot follow own task %s (taskInfo still works): %s", task, e.getMessage());
        }
        return task;
    }

    /**
     * The task's info. Served without a request when the watcher already has it: a finished
     * task's info never changes, and a task the watcher follows is reported as of its last update
     * (a change not yet delivered arrives as an event right after). Otherwise one property read.
     */
    @Override
    public TaskInfo taskInfo(MoRef task) {
        TaskInfo known = finishedTasks.get(task);
        if (known != null) {
            return known;
        }
        Map<String, XmlElement> watched = taskValues.get(task);
        if (watched != null && watched.containsKey("info.state") && watcher.current(task).isPresent()) {
            return Values.taskInfo(task, watched.get("info.state"), watched.get("info.result"), watched.get("info.error"));
        }
        if (justStarted(task)) {
            // Started here moments ago and followed: the watcher's first report of it, which wakes
            // whoever follows it, is on its way; until then it is as we started it.
            return new TaskInfo(task, TaskInfo.State.QUEUED, null, null);
        }
        try {
            TaskInfo info = new Task(reader, task).info();
            if (info.state().done()) {
                // Seen ended before the watcher said so: its VM's values there may predate the task's end.
                readNewerThanWatcher(taskTargets.get(task));
                taskFinished(task, info);
            }
            return info;
        } catch (ManagedObjectNotFoundException e) {
            taskGone(task);
            throw e;
        }
    }

    private boolean justStarted(MoRef task) {
        Long started = unreported.get(task);
        return started != null && System.nanoTime() - started < FIRST_REPORT_WAIT.toNanos()
                && watcher.followed().contains(task) && watcher.live();
    }

    @Override
    public String apiVersion() {
        return session.serviceContent().apiVersion();
    }

    @Override
    public TaskSlots taskSlots() {
        return new TaskSlots(limiter.limit(), limiter.inFlight());
    }

    @Override
    public void addTaskSlotListener(Runnable listener) {
        limiter.onRelease(() -> {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("task slot listener failed", e);
            }
        });
    }

    @Override
    public long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments) {
        return guest.startProgram(vm, credentials, programPath, arguments);
    }

    @Override
    public List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids) {
        return guest.listProcesses(vm, credentials, pids);
    }

    @Override
    public byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        return guest.download(vm, credentials, guestPath);
    }

    @Override
    public void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid) {
        guest.terminate(vm, credentials, pid);
    }

    @Override
    public void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        guest.delete(vm, credentials, guestPath);
    }

    /** An own task just started joins the view with the next follow (or soon): see {@link Watcher#followSoon}. */
    @Override
    public void follow(MoRef object) {
        followedByCaller.add(object);
        if (ownTasks.contains(object) && watcher.followed().contains(object)) {
            return;
        }
        watcher.follow(object);
    }

    @Override
    public void unfollow(MoRef object) {
        followedByCaller.remove(object);
        devicesRead.remove(object);
        if (!ownTasks.contains(object)) {
            watcher.unfollow(object);
        }
    }

    @Override
    public void addChangeListener(Consumer<PropertyChange> listener) {
        listeners.add(listener);
    }

    /** Requests sent so far, by method (for metrics and the benchmark). */
    public RequestStats requestStats() {
        return session.soap().stats();
    }

    /** Tasks started here and not yet seen finished. */
    public int tasksInFlight() {
        return limiter.inFlight();
    }

    /** The underlying session (tests and tools: raw calls, the session generation). */
    public Session session() {
        return session;
    }

    private void onWatchEvent(WatchEvent event) {
        PropertyChange change = event.change();
        MoRef object = change.object();
        if (change.removed()) {
            followedByCaller.remove(object);
            guest.forget(object);
        }
        // A finished task never changes: later reports are stale replays (vcsim sends a task's
        // "enter" with its final values before the older "modify" updates of the same poll).
        if ("Task".equals(object.type()) && !finishedTasks.containsKey(object)) {
            if (change.removed()) {
                taskGone(object);
            } else {
                boolean firstReport = !taskValues.containsKey(object);
                unreported.remove(object);
                // Merge into a new map and publish it whole: taskInfo() on another thread must
                // never see the new state without the result that came with it.
                Map<String, XmlElement> values = taskValues.compute(object, (task, old) -> {
                    Map<String, XmlElement> merged = old == null ? new HashMap<>() : new HashMap<>(old);
                    event.values().forEach((path, val) -> {
                        if (val == null) {
                            merged.remove(path);
                        } else {
                            merged.put(path, val);
                        }
                    });
                    return Map.copyOf(merged);
                });
                TaskInfo info = Values.taskInfo(object, values.get("info.state"), values.get("info.result"), values.get("info.error"));
                if (info.state().done()) {
                    if (firstReport && !watcherShowsEffect(object, info)) {
                        // Reported for the first time already ended: a server reports an object
                        // added to the view as it is now, possibly ahead of queued changes of its VM.
                        readNewerThanWatcher(taskTargets.get(object));
                    }
                    taskFinished(object, info);
                }
            }
        }
        for (Consumer<PropertyChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.error("change listener failed for " + object, e);
            }
        }
    }

    /** The watcher already shows the VM in the power state this successful task was to bring. */
    private boolean watcherShowsEffect(MoRef task, TaskInfo info) {
        PowerState expected = powerAfter.get(task);
        MoRef vm = taskTargets.get(task);
        if (expected == null || vm == null || info.state() != TaskInfo.State.SUCCESS) {
            return false;
        }
        return watcher.current(vm).map(values -> Values.text(values.get("runtime.powerState")))
                .filter(expected.wireName()::equals).isPresent();
    }

    private void taskFinished(MoRef task, TaskInfo info) {
        MoRef destroyed = destroying.remove(task);
        taskTargets.remove(task);
        powerAfter.remove(task);
        if (destroyed != null && info.state() == TaskInfo.State.SUCCESS) {
            destroyedVms.add(destroyed);
            devicesRead.remove(destroyed);
            aheadOfWatcher.remove(destroyed);
            watcher.gone(destroyed);
            guest.forget(destroyed);
        }
        finishedTasks.putIfAbsent(task, info);
        unreported.remove(task);
        taskValues.remove(task);
        limiter.finished(task);
        if (ownTasks.remove(task) && !followedByCaller.contains(task)) {
            watcher.unfollow(task);
        }
    }

    private void taskGone(MoRef task) {
        destroying.remove(task);
        powerAfter.remove(task);
        unreported.remove(task);
        readNewerThanWatcher(taskTargets.remove(task));
        taskValues.remove(task);
        limiter.finished(task);
        ownTasks.remove(task);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.close();
        session.close();
    }
}
