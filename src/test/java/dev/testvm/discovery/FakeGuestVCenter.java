package dev.testvm.discovery;

import dev.testvm.testsupport.TestPasswords;
import dev.testvm.vsphere.CloneRequest;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PropertyChange;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.TaskSlots;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted guest behind our own {@link VCenter} interface: each started program takes the next
 * {@link Run} from the script, runs for a number of polls, then leaves its output in the file the
 * wrapper redirected to.
 */
final class FakeGuestVCenter implements VCenter {

    private static final Pattern OUTPUT_PATH =
            Pattern.compile("(/tmp/testvm-[A-Za-z0-9-]+\\.out|C:\\\\Windows\\\\TEMP\\\\testvm-[A-Za-z0-9-]+\\.out)");

    /** One scripted program run. */
    record Run(int pollsRunning, int exitCode, byte[] output) {
        static Run printing(String output) {
            return new Run(0, 0, output.getBytes(StandardCharsets.UTF_8));
        }

        static Run failing(int exitCode, String output) {
            return new Run(0, exitCode, output.getBytes(StandardCharsets.UTF_8));
        }

        Run runningFor(int polls) {
            return new Run(polls, exitCode, output);
        }
    }

    record Started(String program, String arguments, String outputPath, GuestCredentials credentials) {}

    private final class Process {
        final long pid;
        final Run run;
        final String outputPath;
        int pollsLeft;

        Process(long pid, Run run, String outputPath) {
            this.pid = pid;
            this.run = run;
            this.outputPath = outputPath;
            this.pollsLeft = run.pollsRunning();
        }
    }

    final List<String> calls = new ArrayList<>();
    final List<Started> started = new ArrayList<>();
    final Map<String, byte[]> files = new HashMap<>();
    final List<String> deleted = new ArrayList<>();
    final Deque<Run> script = new ArrayDeque<>();
    final Deque<VimFaultException> startFaults = new ArrayDeque<>();
    final Deque<VimFaultException> downloadFaults = new ArrayDeque<>();
    final Deque<RuntimeException> listFaults = new ArrayDeque<>();
    VimFaultException deleteFault;
    String acceptedPassword = TestPasswords.register("s3cret-Pa55");
    private final Map<Long, Process> processes = new HashMap<>();
    private long nextPid = 4000;

    FakeGuestVCenter then(Run run) {
        script.add(run);
        return this;
    }

    int guestCalls() {
        return calls.size();
    }

    @Override
    public long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments) {
        calls.add("start");
        checkLogin(credentials);
        if (!startFaults.isEmpty()) {
            throw startFaults.poll();
        }
        Matcher matcher = OUTPUT_PATH.matcher(arguments);
        boolean runForEffect = programPath.equals(GuestCommands.LINUX_TOOLBOX_CMD)
                || programPath.equals(GuestCommands.WINDOWS_TOOLBOX_CMD);
        if (!runForEffect && !matcher.find()) {
            throw new AssertionError("no output redirection in " + arguments);
        }
        String outputPath = runForEffect ? null : matcher.group(1);
        Run run = script.isEmpty() ? Run.printing("") : script.poll();
        long pid = nextPid++;
        processes.put(pid, new Process(pid, run, outputPath));
        if (outputPath != null && run.pollsRunning() > 0) {
            files.put(outputPath, new byte[0]); // the shell's redirection creates the file at once
        }
        started.add(new Started(programPath, arguments, outputPath, credentials));
        return pid;
    }

    @Override
    public List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids) {
        calls.add("list");
        checkLogin(credentials);
        if (!listFaults.isEmpty()) {
            throw listFaults.poll();
        }
        List<GuestProcess> result = new ArrayList<>();
        for (long pid : pids) {
            Process process = processes.get(pid);
            if (process == null) {
                continue;
            }
            if (process.pollsLeft > 0) {
                process.pollsLeft--;
                result.add(new GuestProcess(pid, "sh", false, null));
                continue;
            }
            if (process.outputPath != null) {
                if (!terminated.contains(pid)) {
                    files.put(process.outputPath, process.run.output());
                }
            }
            // Like vCenter: a zero exit code is omitted.
            Integer exitCode = process.run.exitCode() == 0 ? null : process.run.exitCode();
            result.add(new GuestProcess(pid, "sh", true, exitCode));
        }
        return result;
    }

    @Override
    public byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        calls.add("download");
        checkLogin(credentials);
        if (!downloadFaults.isEmpty()) {
            throw downloadFaults.poll();
        }
        byte[] content = files.get(guestPath);
        if (content == null) {
            throw new VimFaultException("FileNotFound", "File " + guestPath + " was not found");
        }
        if (content.length > GUEST_FILE_MAX_BYTES) {
            // The interface's contract, as VimVCenter keeps it (proven against the simulator).
            throw new dev.testvm.vsphere.fault.GuestFileTooLargeException(guestPath, GUEST_FILE_MAX_BYTES);
        }
        return content;
    }

    final List<Long> terminated = new ArrayList<>();

    /** Processes started and neither finished nor terminated. */
    long running() {
        return processes.values().stream().filter(p -> p.pollsLeft > 0).count();
    }

    @Override
    public void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid) {
        calls.add("terminate");
        checkLogin(credentials);
        Process process = processes.get(pid);
        if (process == null || process.pollsLeft == 0) {
            throw new VimFaultException("GuestProcessNotFound", "process " + pid + " is not running");
        }
        process.pollsLeft = 0;
        terminated.add(pid);
    }

    @Override
    public void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath) {
        calls.add("delete");
        checkLogin(credentials);
        if (deleteFault != null) {
            throw deleteFault;
        }
        if (files.remove(guestPath) == null) {
            throw new VimFaultException("FileNotFound", "File " + guestPath + " was not found");
        }
        deleted.add(guestPath);
    }

    private void checkLogin(GuestCredentials credentials) {
        if (!credentials.password().equals(acceptedPassword)) {
            // vCenter's real text names the user but not the password.
            throw new VimFaultException("InvalidGuestLogin",
                    "Failed to authenticate with the guest operating system using the supplied credentials.");
        }
    }

    @Override
    public Optional<MoRef> findByInventoryPath(String inventoryPath) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<MoRef> findVmByInstanceUuid(String instanceUuid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public VmInfo vmInfo(MoRef vm) {
        throw new UnsupportedOperationException("discovery must use the VmInfo it is given");
    }

    @Override
    public Optional<MoRef> moRefProperty(MoRef object, String propertyPath) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<MoRef> findSnapshot(MoRef vm, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<VmInfo> vmsWithExtraConfigKey(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MoRef startClone(CloneRequest request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<MoRef> activeCloneTasks(MoRef source) {
        throw new UnsupportedOperationException("discovery does not clone");
    }

    @Override
    public MoRef startPowerOn(MoRef vm) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MoRef startPowerOff(MoRef vm) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MoRef startDestroy(MoRef vm) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TaskInfo taskInfo(MoRef task) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TaskSlots taskSlots() {
        return new TaskSlots(8, 0);
    }

    @Override
    public void addTaskSlotListener(Runnable listener) {}

    @Override
    public void follow(MoRef object) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void unfollow(MoRef object) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addChangeListener(Consumer<PropertyChange> listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
