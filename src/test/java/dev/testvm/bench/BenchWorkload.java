package dev.testvm.bench;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.GuestSpec;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import dev.testvm.testsupport.Simulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;

/**
 * The TestVMs the scale benchmark applies: what a CI system asks for, mostly linked clones of
 * {@code Templates/ubuntu-22.04}, some full clones of it and some instant clones of the running
 * {@code Templates/instant-parent}; every one with guest credentials (so IP discovery races guest
 * operations against VMware Tools, the default strategy {@code auto}).
 *
 * @param fullPercent    share of full clones
 * @param instantPercent share of instant clones; the rest are linked
 */
record BenchWorkload(String namespace, int fullPercent, int instantPercent) {

    static final String GUEST_SECRET = "bench-guest-login";

    BenchWorkload {
        if (fullPercent < 0 || instantPercent < 0 || fullPercent + instantPercent > 100) {
            throw new IllegalArgumentException("--full-percent and --instant-percent must be >= 0 and add up to at most 100");
        }
    }

    /**
     * The clone type of the i-th TestVM. {@code 7919 i mod 100} visits every residue once per 100
     * consecutive indexes (7919 is prime to 100), so the shares are exact per 100 and the types are
     * interleaved rather than in blocks.
     */
    CloneTypeSpec cloneType(int i) {
        int slot = (int) ((7919L * i) % 100);
        if (slot < fullPercent) {
            return CloneTypeSpec.full;
        }
        return slot < fullPercent + instantPercent ? CloneTypeSpec.instant : CloneTypeSpec.linked;
    }

    static String template(CloneTypeSpec type) {
        return type == CloneTypeSpec.instant ? "Templates/instant-parent" : "Templates/ubuntu-22.04";
    }

    /** The namespace and the guest login Secret the TestVMs refer to. */
    void prepare(KubernetesClient client) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).serverSideApply();
        client.resource(new SecretBuilder().withNewMetadata().withName(GUEST_SECRET).withNamespace(namespace).endMetadata()
                .addToStringData("username", Simulator.GUEST_USER).addToStringData("password", Simulator.GUEST_PASSWORD)
                .build()).serverSideApply();
    }

    /** One YAML document, as a pipeline would write it. */
    String yaml(String name, int i) {
        return yaml(name, i, null);
    }

    /** The same naming a VCenter resource ({@code spec.vcenter}) when {@code vcenter} is not null. */
    String yaml(String name, int i, String vcenter) {
        CloneTypeSpec type = cloneType(i);
        return String.format(Locale.ROOT, """
                apiVersion: testvm.dev/v1alpha1
                kind: TestVM
                metadata:
                  name: %s
                  namespace: %s
                spec:
                %s  template: %s
                  cloneType: %s
                  guest:
                    credentialsSecretRef: {name: %s}
                """, name, namespace, vcenter == null ? "" : "  vcenter: " + vcenter + "\n", template(type), type.name(), GUEST_SECRET);
    }

    TestVM testVM(String name, int i) {
        CloneTypeSpec type = cloneType(i);
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template(type));
        spec.setCloneType(type);
        GuestSpec guest = new GuestSpec();
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(GUEST_SECRET);
        guest.setCredentialsSecretRef(ref);
        spec.setGuest(guest);
        testVM.setSpec(spec);
        return testVM;
    }
}
