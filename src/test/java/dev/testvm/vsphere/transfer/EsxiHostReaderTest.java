package dev.testvm.vsphere.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.Recorded;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.soap.XmlParser;
import dev.testvm.vsphere.types.ObjectContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EsxiHostReaderTest {

    private static final MoRef HOST = new MoRef("HostSystem", "host-21");

    /** Recorded from the simulator (govmomi's ESX model): certificate as one {@code <byte>} per byte. */
    @Test
    void readsNameSelectedManagementVmknicAndTheCertificateBytes() {
        XmlElement objects = Recorded.response("RetrievePropertiesEx-host.xml").child("returnval").child("objects");
        EsxiHost host = EsxiHostReader.parse(HOST, ObjectContent.parse(objects));

        assertThat(host.name()).isEqualTo("DC0_H0");
        // vmk1 is a management candidate but not selected; vmk0 is.
        assertThat(host.managementIps()).containsExactly("127.0.0.1");
        assertThat(host.certificate()).isNotNull();
        assertThat(host.sslThumbprint()).isNull();
        assertThat(host.vouched()).isTrue();
    }

    @Test
    void ipv6ManagementAddressesExceptLinkLocalAreKept() {
        String xml = "<val xmlns=\"urn:vim25\"><VirtualNicManagerNetConfig><nicType>management</nicType>"
                + "<candidateVnic><key>m-vmk0</key><spec><ip><dhcp>false</dhcp><ipAddress></ipAddress>"
                + "<ipV6Config><ipV6Address><ipAddress>fe80::1</ipAddress></ipV6Address>"
                + "<ipV6Address><ipAddress>fd00:1::5</ipAddress></ipV6Address></ipV6Config></ip></spec></candidateVnic>"
                + "<selectedVnic>m-vmk0</selectedVnic></VirtualNicManagerNetConfig></val>";
        XmlElement val = XmlParser.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(EsxiHostReader.managementIps(val)).containsExactly("fd00:1::5");
    }

    @Test
    void unreadableCertificateLeavesOnlyTheThumbprint() {
        XmlElement val = XmlParser.parse("<val>bm90IGEgY2VydA==</val>".getBytes(StandardCharsets.UTF_8));
        EsxiHost host = EsxiHostReader.parse(HOST, new ObjectContent(HOST, Map.of(
                "name", XmlParser.parse("<val>esx-01.lab.invalid</val>".getBytes(StandardCharsets.UTF_8)),
                "config.certificate", val,
                "summary.config.sslThumbprint", XmlParser.parse("<val>AA:BB</val>".getBytes(StandardCharsets.UTF_8)))));
        assertThat(host.certificate()).isNull();
        assertThat(host.sslThumbprint()).isEqualTo("AA:BB");
        assertThat(host.managementIps()).isEmpty();
    }
}
