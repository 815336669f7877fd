package dev.testvm.testsupport;

import dev.testvm.vsphere.soap.FaultMapper;
import dev.testvm.discovery.GuestCommands;
import dev.testvm.testsupport.FakeVCenter.Run;
import dev.testvm.testsupport.FakeVCenter.Started;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VimFaultException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest-operations half of {@link FakeVCenter}: a scripted guest. Each started program takes
 * the next {@link FakeVCenter.Run} from the script, runs for a number of polls, then leaves its output in the
 * file the wrapper redirected to.
 */
final class FakeGuest {

    private static final Pattern OUTPUT_PATH =
            Pattern.compile("(/tmp/testvm-[A-Za-z0-9-]+\\.out|C:\\\\Windows\\\\TEMP\\\\testvm-[A-Za-z0-9-]+\\.out)");

    private static final class Process {
        final Run run;
        final String outputPath;
        int pollsLeft;

        Process(Run run, String outputPath) {
            this.run = run;
            this.outputPath = outputPath;
            this.pollsLeft = run.pollsRunning();
        }
    }

    final List<String> calls;
    final List<Started> started = new ArrayList<>();
    final Map<String, byte[]> files = new HashMap<>();
    final List<String> deleted = new ArrayList<>();
    final List<Long> terminated = new ArrayList<>();
    final Deque<Run> script = new ArrayDeque<>();
    final Deque<VimFaultException> startFaults = new ArrayDeque<>();
    final Deque<VimFaultException> downloadFaults = new ArrayDeque<>();
    final Deque<RuntimeException> listFaults = new ArrayDeque<>();
    VimFaultException deleteFault;
    String acceptedPassword = TestPasswords.register("s3cret-Pa55");
    private final Map<Long, Process> processes = new HashMap<>();
    private long nextPid = 4000;

    FakeGuest(List<String> calls) {
        this.calls = calls;
    }

    synchronized long start(GuestCredentials credentials, String programPath, String arguments) {
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
        processes.put(pid, new Process(run, outputPath));
        if (outputPath != null && run.pollsRunning() > 0) {
            files.put(outputPath, new byte[0]); // the shell's redirection creates the file at once
        }
        started.add(new Started(programPath, arguments, outputPath, credentials));
        return pid;
    }

    synchronized List<GuestProcess> list(GuestCredentials credentials, List<Long> pids) {
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
            if (process.outputPath != null && !terminated.contains(pid)) {
                files.put(process.outputPath, process.run.output());
            }
            // Like vCenter: a zero exit code is omitted.
            Integer exitCode = process.run.exitCode() == 0 ? null : process.run.exitCode();
            result.add(new GuestProcess(pid, "sh", true, exitCode));
        }
        return result;
    }

    synchronized byte[] download(GuestCredentials credentials, String guestPath) {
        calls.add("download");
        checkLogin(credentials);
        if (!downloadFaults.isEmpty()) {
            throw downloadFaults.poll();
        }
        byte[] content = files.get(guestPath);
        if (content == null) {
            throw FaultMapper.exception("FileNotFound", "File " + guestPath + " was not found");
        }
        if (content.length > VCenter.GUEST_FILE_MAX_BYTES) {
            // The interface's contract, as VimVCenter keeps it (proven against the simulator).
            throw new dev.testvm.vsphere.fault.GuestFileTooLargeException(guestPath, VCenter.GUEST_FILE_MAX_BYTES);
        }
        return content;
    }

    /** Processes started and neither finished nor terminated. */
    synchronized long running() {
        return processes.values().stream().filter(p -> p.pollsLeft > 0).count();
    }

    synchronized void terminate(GuestCredentials credentials, long pid) {
        calls.add("terminate");
        checkLogin(credentials);
        Process process = processes.get(pid);
        if (process == null || process.pollsLeft == 0) {
            throw FaultMapper.exception("GuestProcessNotFound", "process " + pid + " is not running");
        }
        process.pollsLeft = 0;
        terminated.add(pid);
    }

    synchronized void delete(GuestCredentials credentials, String guestPath) {
        calls.add("delete");
        checkLogin(credentials);
        if (deleteFault != null) {
            throw deleteFault;
        }
        if (files.remove(guestPath) == null) {
            throw FaultMapper.exception("FileNotFound", "File " + guestPath + " was not found");
        }
        deleted.add(guestPath);
    }

    private void checkLogin(GuestCredentials credentials) {
        if (!credentials.password().equals(acceptedPassword)) {
            // vCenter's real text names the user but not the password.
            throw FaultMapper.exception("InvalidGuestLogin",
                    "Failed to authenticate with the guest operating system using the supplied credentials.");
        }
    }
}
