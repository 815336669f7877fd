package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.MoRef;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What vCenter says about the ESXi host a guest file transfer URL points at, read over the
 * already-verified vCenter session.
 *
 * @param name the inventory name ({@code HostSystem.name}): the host part of vCenter's transfer
 *     URLs; an FQDN that may not resolve from here, or an IP when the host was added by IP
 * @param managementIps addresses of the vmknics selected for the {@code management} service
 * @param sslThumbprint {@code summary.config.sslThumbprint} (SHA-1 on current vCenters), or null
 * @param certificate {@code config.certificate} (the host's own certificate), or null
 */
public record EsxiHost(MoRef host, String name, List<String> managementIps, String sslThumbprint,
        X509Certificate certificate) {

    public EsxiHost {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(name, "name");
        managementIps = List.copyOf(managementIps);
    }

    /** Whether vCenter reports anything to check the host's certificate against. */
    public boolean vouched() {
        return certificate != null || (sslThumbprint != null && !sslThumbprint.isBlank());
    }

    /** Identifies vCenter's report: a change means the host's certificate changed. */
    String reportKey() {
        return (certificate == null ? "-" : Thumbprints.sha256(certificate)) + "/" + sslThumbprint;
    }

    @Override
    public String toString() {
        return "ESXi host '" + name + "' (" + host + ")";
    }
}
