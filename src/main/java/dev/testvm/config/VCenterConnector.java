package dev.testvm.config;

import dev.testvm.vsphere.ConnectionSettings;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.vim.VimVCenter;

/** Opens the real SOAP client for the configured vCenter. */
final class VCenterConnector {

    private VCenterConnector() {}

    static VCenter connect(ConnectionSettings settings) {
        return VimVCenter.connect(settings);
    }
}
