package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class GuestCommandsTest {

    @Test
    void defaults_and_override() {
        // Both defaults print each interface's MAC: addresses are traced to the VM's own NICs.
        assertThat(GuestCommands.discoveryCommand(GuestOs.LINUX, null)).isEqualTo("ip address show || ifconfig -a");
        assertThat(GuestCommands.discoveryCommand(GuestOs.WINDOWS, "  ")).isEqualTo("ipconfig /all");
        assertThat(GuestCommands.discoveryCommand(GuestOs.LINUX, "hostname -I")).isEqualTo("hostname -I");
    }

    @Test
    void linux_wrapping_uses_sh_and_a_subshell() {
        GuestCommand command = GuestCommands.wrap(GuestOs.LINUX, "hostname -I", "abc-1");
        assertThat(command.programPath()).isEqualTo("/bin/sh");
        assertThat(command.arguments()).isEqualTo("-c '(hostname -I) > /tmp/testvm-abc-1.out 2>&1'");
        assertThat(command.outputPath()).isEqualTo("/tmp/testvm-abc-1.out");
    }

    @Test
    void windows_wrapping_uses_cmd_never_powershell() {
        GuestCommand command = GuestCommands.wrap(GuestOs.WINDOWS, "ipconfig", "abc-1");
        assertThat(command.programPath()).isEqualTo("C:\\Windows\\System32\\cmd.exe");
        assertThat(command.arguments()).isEqualTo("/c \"ipconfig > C:\\Windows\\TEMP\\testvm-abc-1.out 2>&1\"");
        assertThat(command.outputPath()).isEqualTo("C:\\Windows\\TEMP\\testvm-abc-1.out");
        assertThat(command.arguments()).doesNotContainIgnoringCase("powershell");
    }

    @Test
    void attempt_ids_are_unique_and_file_name_safe() {
        AttemptIds ids = new AttemptIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = ids.get();
            assertThat(id).matches("[a-z0-9-]+");
            assertThat(seen.add(id)).isTrue();
        }
        assertThatThrownBy(() -> GuestCommands.wrap(GuestOs.LINUX, "true", "../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    /** What the guest's shell does with our arguments string: run it through a real one. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void linux_quoting_survives_a_real_shell() throws Exception {
        String id = "unittest-" + ProcessHandle.current().pid();
        String tricky = "echo 'it'\"'\"'s' \"$((40 + 2))\" 10.0.0.42; echo oops >&2";
        GuestCommand command = GuestCommands.wrap(GuestOs.LINUX, tricky, id);
        Path output = Path.of(command.outputPath());
        try {
            // Tools hand "program arguments" to a shell, much like this.
            Process process = new ProcessBuilder("/bin/sh", "-c", command.programPath() + " " + command.arguments())
                    .redirectErrorStream(true)
                    .start();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("it's 42 10.0.0.42\noops\n");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void network_refresh_commands() {
        assertThat(GuestCommands.networkRefreshCommand(GuestOs.LINUX)).contains("modprobe -r vmxnet3").contains("dhclient");
        assertThat(GuestCommands.networkRefreshCommand(GuestOs.WINDOWS)).isEqualTo("ipconfig /renew");
    }
}
