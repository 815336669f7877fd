package dev.testvm.discovery;

import dev.testvm.api.GuestOsSpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.IpFamily;
import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VmInfo;
import java.util.List;
import java.util.Objects;

/**
 * Everything one discovery step needs. Build it with {@link #builder}; only the first four
 * fields are required.
 *
 * @param key identifies the TestVM across reconciles (its UID)
 * @param vmInfo the VM as read in this reconcile (fresh: Tools' answer comes from it)
 * @param os {@code spec.guest.os}: auto, linux or windows; null means auto
 * @param credentials guest login from the Secret, null when none is configured
 * @param credentialsVersion the Secret's resourceVersion: rejected credentials are tried again
 *     only after it changes (null: the credentials themselves are compared)
 * @param secretName the Secret's name, for messages
 * @param commandOverride {@code spec.ipDiscovery.command}, null/blank for the OS default
 * @param network {@code spec.ipDiscovery.network}, null/blank for any network
 * @param nics the NIC selection ({@code network} with its port group key, {@code nicIndex})
 * @param allow {@code spec.ipDiscovery.cidrs}; empty for any
 * @param exclude {@code spec.ipDiscovery.excludeCidrs}
 * @param refreshNetwork run the instant-clone network refresh in the guest before discovery
 *     (needs credentials); VMware Tools' address may be the parent's, so it is only used as a
 *     fallback when guest operations fail
 */
public record DiscoveryRequest(
        String key,
        VCenter vcenter,
        MoRef vm,
        VmInfo vmInfo,
        IpDiscoveryStrategy strategy,
        GuestOsSpec os,
        GuestCredentials credentials,
        String credentialsVersion,
        String secretName,
        String commandOverride,
        String network,
        IpFamily family,
        boolean refreshNetwork,
        NicSelection nics,
        List<Cidr> allow,
        List<Cidr> exclude) {

    public DiscoveryRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(vcenter, "vcenter");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(vmInfo, "vmInfo");
        strategy = strategy == null ? IpDiscoveryStrategy.auto : strategy;
        os = os == null ? GuestOsSpec.auto : os;
        family = family == null ? IpFamily.IPv4 : family;
        nics = nics == null ? new NicSelection(network, null, null) : nics;
        allow = allow == null ? List.of() : List.copyOf(allow);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** Which address counts, as the spec says. */
    public IpFilter filter() {
        return new IpFilter(family, nics, allow, exclude);
    }

    public static Builder builder(String key, VCenter vcenter, MoRef vm, VmInfo vmInfo) {
        return new Builder(key, vcenter, vm, vmInfo);
    }

    @Override
    public String toString() {
        return "DiscoveryRequest[key=" + key + ", vm=" + vm + ", strategy=" + strategy + ", os=" + os
                + ", credentials=" + credentials + ", secretName=" + secretName + ", network=" + network
                + ", family=" + family + ", refreshNetwork=" + refreshNetwork + ", nics=" + nics + ", allow=" + allow
                + ", exclude=" + exclude + "]";
    }

    public static final class Builder {
        private final String key;
        private final VCenter vcenter;
        private final MoRef vm;
        private final VmInfo vmInfo;
        private IpDiscoveryStrategy strategy = IpDiscoveryStrategy.auto;
        private GuestOsSpec os = GuestOsSpec.auto;
        private GuestCredentials credentials;
        private String credentialsVersion;
        private String secretName;
        private String commandOverride;
        private String network;
        private IpFamily family = IpFamily.IPv4;
        private boolean refreshNetwork;
        private Integer nicIndex;
        private String portgroupKey;
        private List<Cidr> allow = List.of();
        private List<Cidr> exclude = List.of();

        private Builder(String key, VCenter vcenter, MoRef vm, VmInfo vmInfo) {
            this.key = key;
            this.vcenter = vcenter;
            this.vm = vm;
            this.vmInfo = vmInfo;
        }

        public Builder strategy(IpDiscoveryStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        public Builder os(GuestOsSpec os) {
            this.os = os;
            return this;
        }

        public Builder credentials(GuestCredentials credentials, String version, String secretName) {
            this.credentials = credentials;
            this.credentialsVersion = version;
            this.secretName = secretName;
            return this;
        }

        /** For messages when the Secret is configured but could not be read. */
        public Builder secretName(String secretName) {
            this.secretName = secretName;
            return this;
        }

        public Builder command(String commandOverride) {
            this.commandOverride = commandOverride;
            return this;
        }

        public Builder network(String network) {
            this.network = network;
            return this;
        }

        public Builder family(IpFamily family) {
            this.family = family;
            return this;
        }

        /** {@code spec.ipDiscovery.nicIndex}, null for any NIC. */
        public Builder nicIndex(Integer nicIndex) {
            this.nicIndex = nicIndex;
            return this;
        }

        /** The moRef value of the network when it is a distributed port group. */
        public Builder portgroupKey(String portgroupKey) {
            this.portgroupKey = portgroupKey;
            return this;
        }

        public Builder cidrs(List<Cidr> allow, List<Cidr> exclude) {
            this.allow = allow;
            this.exclude = exclude;
            return this;
        }

        public Builder refreshNetwork(boolean refreshNetwork) {
            this.refreshNetwork = refreshNetwork;
            return this;
        }

        public DiscoveryRequest build() {
            return new DiscoveryRequest(key, vcenter, vm, vmInfo, strategy, os, credentials, credentialsVersion,
                    secretName, commandOverride, network, family, refreshNetwork,
                    new NicSelection(network, portgroupKey, nicIndex), allow, exclude);
        }
    }
}
