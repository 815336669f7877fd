package dev.testvm.discovery;

import dev.testvm.api.GuestOsSpec;
import dev.testvm.vsphere.VmInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The guest OS family, which decides the shell and the default discovery command. */
public enum GuestOs {
    LINUX("linux"),
    WINDOWS("windows");

    // vSphere guest ids of Linux distributions that do not contain the word "linux".
    private static final List<String> LINUX_ID_PREFIXES = List.of(
            "ubuntu", "debian", "centos", "rhel", "redhat", "fedora", "sles", "suse", "opensuse",
            "photon", "vmwarephoton", "coreos", "asianux", "mandrake", "mandriva", "pardus",
            "turbolinux", "crxpod", "crxsys");

    private final String specValue;

    GuestOs(String specValue) {
        this.specValue = specValue;
    }

    /** The value used in {@code spec.guest.os} and {@code status.guestOS}. */
    public String specValue() {
        return specValue;
    }

    /**
     * Resolves {@code spec.guest.os}. An explicit linux/windows wins. For auto (or null)
     * Tools' {@code guestFamily} is the best witness, as it describes what actually booted; before
     * Tools run, the VM's configured {@code guestId} is the fallback.
     *
     * @return empty while the OS cannot be told yet (auto, no Tools family, unknown guestId)
     */
    public static Optional<GuestOs> resolve(GuestOsSpec setting, VmInfo info) {
        if (setting == GuestOsSpec.linux) {
            return Optional.of(LINUX);
        }
        if (setting == GuestOsSpec.windows) {
            return Optional.of(WINDOWS);
        }
        if (info == null) {
            return Optional.empty();
        }
        if ("windowsGuest".equals(info.guestFamily())) {
            return Optional.of(WINDOWS);
        }
        if ("linuxGuest".equals(info.guestFamily())) {
            return Optional.of(LINUX);
        }
        return fromGuestId(info.guestId());
    }

    /** The OS recorded in {@code status.guestOS} by an earlier pass; empty when none (or not one of ours). */
    public static Optional<GuestOs> ofStatus(String statusValue) {
        for (GuestOs os : values()) {
            if (os.specValue.equals(statusValue)) {
                return Optional.of(os);
            }
        }
        return Optional.empty();
    }

    /** {@code windows9Server64Guest} → WINDOWS, {@code ubuntu64Guest} → LINUX, {@code freebsd13_64Guest} → empty. */
    public static Optional<GuestOs> fromGuestId(String guestId) {
        if (guestId == null || guestId.isBlank()) {
            return Optional.empty();
        }
        String id = guestId.toLowerCase(Locale.ROOT);
        if (id.startsWith("win")) {
            return Optional.of(WINDOWS);
        }
        if (id.contains("linux") || LINUX_ID_PREFIXES.stream().anyMatch(id::startsWith)) {
            return Optional.of(LINUX);
        }
        return Optional.empty();
    }
}
