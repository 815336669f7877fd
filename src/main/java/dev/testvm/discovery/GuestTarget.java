package dev.testvm.discovery;

import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VmInfo;
import java.util.Objects;

/**
 * The guest to run a program in, and as whom.
 *
 * @param key identifies the TestVM (its UID); all in-memory state is kept per key
 * @param info the VM as read in this reconcile; decides whether guest operations can start
 * @param credentialsVersion changes whenever the credentials do (e.g. the Secret's
 *     resourceVersion); null means "compare the credentials themselves"
 */
public record GuestTarget(
        String key, VCenter vcenter, MoRef vm, VmInfo info, GuestCredentials credentials, String credentialsVersion) {

    public GuestTarget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(vcenter, "vcenter");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(credentials, "credentials");
    }
}
