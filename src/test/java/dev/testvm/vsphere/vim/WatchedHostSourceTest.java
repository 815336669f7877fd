package dev.testvm.vsphere.vim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.transfer.EsxiHost;
import dev.testvm.vsphere.transfer.GuestFileTransfers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchedHostSourceTest {

    private static final MoRef VM = MoRef.vm("vm-7");
    private static final MoRef READ_HOST = new MoRef("HostSystem", "host-read");

    /** Our own HostSource interface, counting the reads it is asked for. */
    private final List<MoRef> reads = new ArrayList<>();
    private final GuestFileTransfers.HostSource reader = new GuestFileTransfers.HostSource() {
        @Override
        public MoRef hostOf(MoRef vm) {
            reads.add(vm);
            return READ_HOST;
        }

        @Override
        public EsxiHost read(MoRef host) {
            throw new AssertionError("not asked in these tests");
        }
    };

    private static XmlElement hostValue(String value) {
        return new XmlElement("urn:vim25", "val", Map.of("type", "HostSystem"), "ManagedObjectReference", value, List.of());
    }

    @Test
    void aVmTheWatcherHoldsIsAnsweredWithoutARead() {
        var source = new WatchedHostSource(reader, vm -> Optional.of(Map.of("runtime.host", hostValue("host-42"))));
        assertThat(source.hostOf(VM)).isEqualTo(new MoRef("HostSystem", "host-42"));
        assertThat(reads).isEmpty();
    }

    @Test
    void aVmTheWatcherDoesNotHoldIsRead() {
        var source = new WatchedHostSource(reader, vm -> Optional.empty());
        assertThat(source.hostOf(VM)).isEqualTo(READ_HOST);
        assertThat(reads).containsExactly(VM);
    }

    @Test
    void aHeldVmWithoutAHostIsRead() {
        var source = new WatchedHostSource(reader, vm -> Optional.of(Map.of()));
        assertThat(source.hostOf(VM)).isEqualTo(READ_HOST);
        assertThat(reads).containsExactly(VM);
    }
}
