package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.property.PropertyReader;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.Values;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/** Reads a VM's host and what vCenter reports about that host (two property reads). */
public final class EsxiHostReader implements GuestFileTransfers.HostSource {

    private static final Logger LOG = Logger.getLogger(EsxiHostReader.class);

    static final List<String> HOST_PATHS = List.of("name", "summary.config.sslThumbprint", "config.certificate",
            "config.virtualNicManagerInfo.netConfig");

    private final PropertyReader reader;

    public EsxiHostReader(PropertyReader reader) {
        this.reader = reader;
    }

    /** The VM's {@code runtime.host}; InvalidState while it has none (the transfer then cannot work anyway). */
    @Override
    public MoRef hostOf(MoRef vm) {
        return reader.read(vm, List.of("runtime.host")).map(c -> c.get("runtime.host")).map(Values::moRef)
                .orElseThrow(() -> new InvalidStateException(vm + " has no runtime.host"));
    }

    @Override
    public EsxiHost read(MoRef host) {
        ObjectContent content = reader.read(host, HOST_PATHS).orElse(new ObjectContent(host, java.util.Map.of()));
        return parse(host, content);
    }

    static EsxiHost parse(MoRef host, ObjectContent content) {
        String name = Values.text(content.get("name"));
        return new EsxiHost(host, name == null ? host.value() : name,
                managementIps(content.get("config.virtualNicManagerInfo.netConfig")),
                Values.text(content.get("summary.config.sslThumbprint")),
                certificate(host, content.get("config.certificate")));
    }

    /**
     * The addresses of the vmknics selected for {@code nicType=management}: a
     * {@code VirtualNicManagerNetConfig} lists candidates (with their IP config) and the keys of
     * the selected ones.
     */
    static List<String> managementIps(XmlElement netConfig) {
        List<String> ips = new ArrayList<>();
        if (netConfig == null) {
            return ips;
        }
        for (XmlElement config : netConfig.children()) {
            if (!"management".equals(config.childText("nicType"))) {
                continue;
            }
            Set<String> selected = new HashSet<>();
            config.children("selectedVnic").forEach(s -> selected.add(s.text().trim()));
            for (XmlElement vnic : config.children("candidateVnic")) {
                if (selected.contains(textOf(vnic.child("key")))) {
                    addresses(vnic.child("spec")).forEach(ip -> {
                        if (!ips.contains(ip)) {
                            ips.add(ip);
                        }
                    });
                }
            }
        }
        return ips;
    }

    private static List<String> addresses(XmlElement spec) {
        List<String> found = new ArrayList<>();
        XmlElement ip = spec == null ? null : spec.child("ip");
        if (ip == null) {
            return found;
        }
        String v4 = textOf(ip.child("ipAddress"));
        if (!v4.isBlank()) {
            found.add(v4);
        }
        XmlElement v6 = ip.child("ipV6Config");
        if (v6 != null) {
            for (XmlElement address : v6.children("ipV6Address")) {
                String text = textOf(address.child("ipAddress"));
                // Link-local addresses need a zone and are no use from a pod.
                if (!text.isBlank() && !text.toLowerCase().startsWith("fe80:")) {
                    found.add(text);
                }
            }
        }
        return found;
    }

    /**
     * {@code config.certificate} is an {@code xsd:byte} array: one {@code <byte>} element per
     * (signed) byte holding the PEM text. A single text value (PEM, or base64 DER) is read too.
     */
    static X509Certificate certificate(MoRef host, XmlElement val) {
        if (val == null) {
            return null;
        }
        byte[] bytes;
        List<XmlElement> items = val.children();
        if (!items.isEmpty()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(items.size());
            items.forEach(b -> out.write(Integer.parseInt(b.text().trim())));
            bytes = out.toByteArray();
        } else {
            String text = val.text().trim();
            bytes = text.contains("BEGIN CERTIFICATE") ? text.getBytes(StandardCharsets.US_ASCII)
                    : Base64.getMimeDecoder().decode(text);
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes));
        } catch (CertificateException | RuntimeException e) {
            // Then only the thumbprint vouches for the host.
            LOG.warnf("config.certificate of %s is not a readable certificate: %s", host, e.getMessage());
            return null;
        }
    }

    private static String textOf(XmlElement element) {
        return element == null ? "" : element.text().trim();
    }
}
