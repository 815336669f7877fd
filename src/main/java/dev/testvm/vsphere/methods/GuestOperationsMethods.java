package dev.testvm.vsphere.methods;

import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.SoapCaller;
import dev.testvm.vsphere.types.GuestAuth;
import dev.testvm.vsphere.types.Values;
import java.util.List;

/** GuestProcessManager and GuestFileManager operations. Every one takes (vm, auth, ...) in that order. */
public final class GuestOperationsMethods {

    private GuestOperationsMethods() {}

    /**
     * {@code StartProgramInGuest(vm, auth, spec)}; spec is a {@code GuestProgramSpec} (programPath,
     * arguments) and, like auth, is declared abstractly, hence the xsi:type.
     */
    public static long startProgramInGuest(
            SoapCaller soap, MoRef processManager, MoRef vm, GuestCredentials auth, String programPath, String arguments) {
        String pid = soap.call("StartProgramInGuest", processManager, w -> {
            w.moRef("vm", vm);
            GuestAuth.write(w, auth);
            w.start("spec", "GuestProgramSpec")
                    .element("programPath", programPath)
                    .element("arguments", arguments == null ? "" : arguments)
                    .end("spec");
        }).childText("returnval");
        return Long.parseLong(pid.trim());
    }

    /** {@code ListProcessesInGuest(vm, auth, pids)}. */
    public static List<GuestProcess> listProcessesInGuest(
            SoapCaller soap, MoRef processManager, MoRef vm, GuestCredentials auth, List<Long> pids) {
        return Values.guestProcesses(soap.call("ListProcessesInGuest", processManager, w -> {
            w.moRef("vm", vm);
            GuestAuth.write(w, auth);
            for (Long pid : pids) {
                w.element("pids", pid);
            }
        }));
    }

    /** {@code InitiateFileTransferFromGuest(vm, auth, guestFilePath)}; returns the URL (host may be {@code *}). */
    public static String initiateFileTransferFromGuest(
            SoapCaller soap, MoRef fileManager, MoRef vm, GuestCredentials auth, String guestFilePath) {
        return soap.call("InitiateFileTransferFromGuest", fileManager, w -> {
            w.moRef("vm", vm);
            GuestAuth.write(w, auth);
            w.element("guestFilePath", guestFilePath);
        }).child("returnval").childText("url");
    }

    /** {@code TerminateProcessInGuest(vm, auth, pid)}. */
    public static void terminateProcessInGuest(SoapCaller soap, MoRef processManager, MoRef vm, GuestCredentials auth, long pid) {
        soap.call("TerminateProcessInGuest", processManager, w -> {
            w.moRef("vm", vm);
            GuestAuth.write(w, auth);
            w.element("pid", pid);
        });
    }

    /** {@code DeleteFileInGuest(vm, auth, filePath)}. */
    public static void deleteFileInGuest(SoapCaller soap, MoRef fileManager, MoRef vm, GuestCredentials auth, String filePath) {
        soap.call("DeleteFileInGuest", fileManager, w -> {
            w.moRef("vm", vm);
            GuestAuth.write(w, auth);
            w.element("filePath", filePath);
        });
    }
}
