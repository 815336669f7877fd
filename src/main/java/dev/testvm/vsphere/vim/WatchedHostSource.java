package dev.testvm.vsphere.vim;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.transfer.EsxiHost;
import dev.testvm.vsphere.transfer.GuestFileTransfers;
import dev.testvm.vsphere.types.Values;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A VM's host as the watcher holds it ({@code runtime.host} is one of the paths it follows, and a
 * vMotion updates it), else one read: every guest file download asks which host serves the VM,
 * and a followed VM cost a request per download for an answer already in memory.
 */
final class WatchedHostSource implements GuestFileTransfers.HostSource {

    private final GuestFileTransfers.HostSource reads;
    private final Function<MoRef, Optional<Map<String, XmlElement>>> watched;

    /** @param watched the watcher's current values of a VM, empty when it has none it can vouch for */
    WatchedHostSource(GuestFileTransfers.HostSource reads, Function<MoRef, Optional<Map<String, XmlElement>>> watched) {
        this.reads = reads;
        this.watched = watched;
    }

    @Override
    public MoRef hostOf(MoRef vm) {
        return watched.apply(vm).map(values -> Values.moRef(values.get("runtime.host"))).orElseGet(() -> reads.hostOf(vm));
    }

    @Override
    public EsxiHost read(MoRef host) {
        return reads.read(host);
    }
}
