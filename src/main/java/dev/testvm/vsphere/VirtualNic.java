package dev.testvm.vsphere;

/**
 * One virtual ethernet card of a VM ({@code config.hardware.device}): what vCenter itself knows
 * about the VM's NICs, independent of what the guest or VMware Tools say.
 *
 * @param key the device key (4000, 4001, ...)
 * @param macAddress as vCenter reports it (lower case, colon-separated)
 * @param network the standard network's name ({@code backing.deviceName}), null for other backings
 * @param portgroupKey the distributed port group's key (its moRef value), null for other backings
 */
public record VirtualNic(int key, String macAddress, String network, String portgroupKey) {}
