package dev.testvm.testsupport;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.GuestSpec;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.SecretKeyRef;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Consumer;

/**
 * Builds the TestVM a test applies: a linked clone of {@code Templates/ubuntu-22.04} unless told
 * otherwise. {@link EndToEnd#testVM(String)} hands one out bound to the test's namespace and client.
 *
 * <pre>{@code
 * TestVM created = E2E.testVM("e2e-full").cloneType(CloneTypeSpec.full).guestLogin(SECRET).create();
 * }</pre>
 */
public final class TestVMFixture {

    public static final String DEFAULT_TEMPLATE = "Templates/ubuntu-22.04";

    private final KubernetesClient client;
    private final TestVM testVM = new TestVM();

    TestVMFixture(KubernetesClient client, String namespace, String name) {
        this.client = client;
        testVM.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(DEFAULT_TEMPLATE);
        spec.setCloneType(CloneTypeSpec.linked);
        testVM.setSpec(spec);
    }

    /** A fixture not bound to a client: {@link #build()} only. */
    public static TestVMFixture of(String namespace, String name) {
        return new TestVMFixture(null, namespace, name);
    }

    public TestVMFixture template(String template) {
        testVM.getSpec().setTemplate(template);
        return this;
    }

    public TestVMFixture cloneType(CloneTypeSpec cloneType) {
        testVM.getSpec().setCloneType(cloneType);
        return this;
    }

    /** Logs into the guest with the credentials in Secret {@code secret} (null: none). */
    public TestVMFixture guestLogin(String secret) {
        if (secret == null) {
            testVM.getSpec().setGuest(null);
            return this;
        }
        GuestSpec guest = new GuestSpec();
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(secret);
        guest.setCredentialsSecretRef(ref);
        testVM.getSpec().setGuest(guest);
        return this;
    }

    /** Sets {@code spec.ipDiscovery} to what {@code discovery} makes of an empty one. */
    public TestVMFixture discovery(Consumer<IpDiscoverySpec> discovery) {
        IpDiscoverySpec spec = new IpDiscoverySpec();
        discovery.accept(spec);
        testVM.getSpec().setIpDiscovery(spec);
        return this;
    }

    /** Any other spec field. */
    public TestVMFixture spec(Consumer<TestVMSpec> change) {
        change.accept(testVM.getSpec());
        return this;
    }

    public TestVM build() {
        return testVM;
    }

    /** Creates it on the API server; returns the created object (with its UID). */
    public TestVM create() {
        if (client == null) {
            throw new IllegalStateException("TestVMFixture.of(...) is not bound to a client: use EndToEnd.testVM(name)");
        }
        return client.resource(testVM).create();
    }
}
