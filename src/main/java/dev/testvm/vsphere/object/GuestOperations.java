package dev.testvm.vsphere.object;

import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.FileNotFoundException;
import dev.testvm.vsphere.fault.GuestFileTooLargeException;
import dev.testvm.vsphere.methods.GuestOperationsMethods;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.session.Session;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import dev.testvm.vsphere.transfer.GuestFileTransfers;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Guest operations through the GuestOperationsManager's process and file managers (looked up
 * once per connection; they are fixed singletons of the service).
 */
public final class GuestOperations {

    private final Session session;
    private final PropertyReader reader;
    private volatile MoRef processManager;
    private volatile MoRef fileManager;

    private final GuestFileTransfers transfers;

    /** @param transfers downloads from the ESXi hosts vCenter's transfer URLs name */
    public GuestOperations(Session session, PropertyReader reader, GuestFileTransfers transfers) {
        this.session = session;
        this.reader = reader;
        this.transfers = transfers;
    }

    public long startProgram(MoRef vm, GuestCredentials auth, String programPath, String arguments) {
        return GuestOperationsMethods.startProgramInGuest(session, processManager(), vm, auth, programPath, arguments);
    }

    public List<GuestProcess> listProcesses(MoRef vm, GuestCredentials auth, List<Long> pids) {
        return GuestOperationsMethods.listProcessesInGuest(session, processManager(), vm, auth, pids);
    }

    /**
     * {@code InitiateFileTransferFromGuest}, then GET of the URL it returns. Connected to an ESXi
     * host directly, that URL names the host as {@code *} ("the host you are talking to"): we
     * substitute the endpoint's host, and its port when the URL has none, with the endpoint's TLS
     * rules. Through vCenter it names the VM's ESXi host: see {@link GuestFileTransfers} (its
     * failures are {@link dev.testvm.vsphere.transfer.GuestFileTransferException}s). At most
     * {@link VCenter#GUEST_FILE_MAX_BYTES} are read: a larger file throws {@link GuestFileTooLargeException}.
     */
    public byte[] download(MoRef vm, GuestCredentials auth, String guestPath) {
        String url = GuestOperationsMethods.initiateFileTransferFromGuest(session, fileManager(), vm, auth, guestPath);
        URI target = transferUri(url, session.soap().url());
        int[] status = new int[1];
        Optional<byte[]> body;
        if (isStarHost(url)) {
            body = session.soap().get(target, status, VCenter.GUEST_FILE_MAX_BYTES);
        } else {
            GuestFileTransfers.Download download = transfers.get(vm, target, VCenter.GUEST_FILE_MAX_BYTES);
            status[0] = download.status();
            body = download.body();
        }
        if (status[0] == 200) {
            return body.orElseThrow(() -> new GuestFileTooLargeException(guestPath, VCenter.GUEST_FILE_MAX_BYTES));
        }
        if (status[0] == 404) {
            throw new FileNotFoundException("guest file " + guestPath + " of " + vm + " could not be downloaded (HTTP 404)");
        }
        if (status[0] >= 500) {
            if (isStarHost(url)) {
                throw new VCenterUnreachableException("guest file download from " + target.getHost() + " failed with HTTP " + status[0], null);
            }
            throw new VimFaultException("GuestFileTransfer", "guest file download of " + guestPath + " from "
                    + target.getHost() + " failed with HTTP " + status[0]);
        }
        throw new VimFaultException("GuestFileTransfer", "guest file download of " + guestPath + " failed with HTTP " + status[0]);
    }

    /** The VM is destroyed: what the downloads remembered about it goes. */
    public void forget(MoRef vm) {
        transfers.forget(vm);
    }

    public void terminate(MoRef vm, GuestCredentials auth, long pid) {
        GuestOperationsMethods.terminateProcessInGuest(session, processManager(), vm, auth, pid);
    }

    public void delete(MoRef vm, GuestCredentials auth, String guestPath) {
        GuestOperationsMethods.deleteFileInGuest(session, fileManager(), vm, auth, guestPath);
    }

    static boolean isStarHost(String url) {
        return url.matches("^https?://\\*([:/?].*)?$");
    }

    /** Replaces a {@code *} host by the vCenter's (the XML parser already turned {@code &amp;} into {@code &}). */
    public static URI transferUri(String url, URI vcenter) {
        URI raw = URI.create(url.replaceFirst("^(https?://)\\*", "$1placeholder.invalid"));
        if (!"placeholder.invalid".equals(raw.getHost())) {
            return raw;
        }
        int port = raw.getPort() != -1 ? raw.getPort() : vcenter.getPort();
        String host = vcenter.getHost().contains(":") && !vcenter.getHost().startsWith("[")
                ? "[" + vcenter.getHost() + "]" : vcenter.getHost();
        // Rebuilt from the raw (still percent-encoded) parts: URI's multi-argument constructors would re-quote '%'.
        return URI.create(raw.getScheme() + "://" + host + (port == -1 ? "" : ":" + port)
                + (raw.getRawPath() == null ? "" : raw.getRawPath())
                + (raw.getRawQuery() == null ? "" : "?" + raw.getRawQuery()));
    }

    private MoRef processManager() {
        if (processManager == null) {
            loadManagers();
        }
        return processManager;
    }

    private MoRef fileManager() {
        if (fileManager == null) {
            loadManagers();
        }
        return fileManager;
    }

    private void loadManagers() {
        MoRef manager = session.serviceContent().guestOperationsManager();
        if (manager == null) {
            throw new VimFaultException("NotSupported", "this vCenter has no GuestOperationsManager");
        }
        ObjectContent content = reader.read(manager, List.of("processManager", "fileManager"))
                .orElseThrow(() -> new VimFaultException("NotSupported", "GuestOperationsManager has no process/file managers"));
        fileManager = Values.moRef(content.get("fileManager"));
        processManager = Values.moRef(content.get("processManager"));
    }
}
