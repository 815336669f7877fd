package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.ConnectionSettings;
import java.nio.file.Path;

/**
 * How ESXi hosts are trusted for guest file transfers, derived from how vCenter is trusted.
 *
 * @param vcenterVerified the vCenter session is verified (pinned thumbprint or CA/trust store), so
 *     what vCenter reports about a host's certificate can be believed
 * @param caBundle PEM bundle that may sign host certificates (VMCA), or null
 * @param insecure accept any host certificate; only when configured for vCenter too
 */
public record HostTrustPolicy(boolean vcenterVerified, Path caBundle, boolean insecure) {

    /** A pinned vCenter is verified even when insecure is set too (the pin wins, as for vCenter). */
    public static HostTrustPolicy of(ConnectionSettings settings) {
        boolean pinned = settings.sha256Thumbprint() != null && !settings.sha256Thumbprint().isBlank();
        boolean insecure = settings.insecure() && !pinned;
        return new HostTrustPolicy(!insecure, settings.caBundle(), insecure);
    }
}
