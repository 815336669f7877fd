package dev.testvm.discovery;

import java.util.Objects;

/**
 * The per-OS commands and how they are wrapped so their output lands in a file we can fetch:
 * guest operations return no stdout, only a pid and later an exit code.
 */
public final class GuestCommands {

    /**
     * Every interface with its MAC and addresses: an address counts only when it is on one of
     * the VM's own NICs, traced by MAC (see {@link IpFilter}), so the MACs must be in the output.
     * iproute2 is on every current distribution; ifconfig is the fallback for minimal images.
     */
    public static final String LINUX_DISCOVERY = "ip address show || ifconfig -a";

    /** {@code /all} prints each adapter's Physical Address; parsed language-independently. */
    public static final String WINDOWS_DISCOVERY = "ipconfig /all";

    /**
     * An instant clone wakes up with its parent's network state; reloading the NIC driver makes
     * the guest see the new MAC. {@code -nw} lets dhclient go to the background at once so the
     * command ends quickly and discovery does the waiting; where dhclient is missing (systemd-
     * networkd, NetworkManager pick the link up themselves) the failure is ignored.
     */
    public static final String LINUX_NETWORK_REFRESH =
            "modprobe -r vmxnet3 && modprobe vmxnet3 && (dhclient -nw || true)";

    public static final String WINDOWS_NETWORK_REFRESH = "ipconfig /renew";

    /**
     * Makes VMware Tools publish {@code guest.net} (and {@code guest.ipAddress}) at once instead
     * of at their next ~30 s poll (Tools 10.1 and later; open-vm-tools installs it in /usr/bin).
     * Run directly, without a shell: it prints nothing we need, and on Windows that saves
     * starting cmd.exe.
     */
    public static final String LINUX_TOOLBOX_CMD = "/usr/bin/vmware-toolbox-cmd";

    public static final String WINDOWS_TOOLBOX_CMD = "C:\\Program Files\\VMware\\VMware Tools\\VMwareToolboxCmd.exe";

    public static final String TOOLS_NETWORK_UPDATE_ARGS = "info update network";

    static final String LINUX_SHELL = "/bin/sh";
    // cmd rather than PowerShell: headless PowerShell runs at low priority and takes seconds to load.
    static final String WINDOWS_SHELL = "C:\\Windows\\System32\\cmd.exe";

    private GuestCommands() {}

    /** The override when one is given, else the OS default. */
    public static String discoveryCommand(GuestOs os, String override) {
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        return os == GuestOs.WINDOWS ? WINDOWS_DISCOVERY : LINUX_DISCOVERY;
    }

    /** {@code vmware-toolbox-cmd info update network}, with no output file to fetch. */
    public static GuestCommand toolsNetworkUpdate(GuestOs os) {
        return new GuestCommand(os == GuestOs.WINDOWS ? WINDOWS_TOOLBOX_CMD : LINUX_TOOLBOX_CMD, TOOLS_NETWORK_UPDATE_ARGS, null);
    }

    public static String networkRefreshCommand(GuestOs os) {
        return os == GuestOs.WINDOWS ? WINDOWS_NETWORK_REFRESH : LINUX_NETWORK_REFRESH;
    }

    /**
     * Linux: {@code /bin/sh -c '(<cmd>) > /tmp/testvm-<id>.out 2>&1'}. Windows:
     * {@code cmd.exe /c "<cmd> > C:\Windows\TEMP\testvm-<id>.out 2>&1"}; there the redirection
     * binds to the last command of a {@code &}/{@code |} chain, which for a pipeline is the part
     * whose output matters.
     *
     * @param attemptId unique per attempt and file-name safe (see {@link AttemptIds}); it keeps
     *     an old attempt's late output from being read as a new one's
     */
    public static GuestCommand wrap(GuestOs os, String command, String attemptId) {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(command, "command");
        if (attemptId == null || !attemptId.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("attempt id must be letters, digits and dashes: " + attemptId);
        }
        if (os == GuestOs.WINDOWS) {
            String output = "C:\\Windows\\TEMP\\testvm-" + attemptId + ".out";
            // cmd /c strips exactly the first and the last quote when the line holds special
            // characters such as '>', so quotes inside the command survive untouched.
            return new GuestCommand(WINDOWS_SHELL, "/c \"" + command + " > " + output + " 2>&1\"", output);
        }
        String output = "/tmp/testvm-" + attemptId + ".out";
        // The subshell makes the redirection cover a whole pipeline or list, not its last part.
        String script = "(" + command + ") > " + output + " 2>&1";
        return new GuestCommand(LINUX_SHELL, "-c " + singleQuoted(script), output);
    }

    /** POSIX single quoting: nothing is special inside, and a quote is closed, escaped, reopened. */
    static String singleQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
