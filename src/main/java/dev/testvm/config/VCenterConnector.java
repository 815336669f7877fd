package dev.testvm.config;

import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.VCenter;

/** Opens the real SOAP client for the configured vCenter. */
final class VCenterConnector {

    private VCenterConnector() {}

    static VCenter connect(ConnectionSettings settings) {
        throw new UnsupportedOperationException("SOAP client not merged yet");
    }
}
