package dev.testvm.e2e;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.PoolClaim;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMPoolSpec;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.WhenPoolEmpty;
import dev.testvm.pool.PoolMembers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** Builders and readers for warm-pool tests. */
final class Pools {

    private Pools() {}

    static TestVMPool pool(String namespace, String name, String template, int size, WhenPoolEmpty whenEmpty) {
        TestVMPool pool = new TestVMPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TestVMPoolSpec spec = new TestVMPoolSpec();
        TestVMSpec vm = new TestVMSpec();
        vm.setTemplate(template);
        vm.setCloneType(CloneTypeSpec.linked);
        spec.setVm(vm);
        spec.setSize(size);
        spec.setRefillConcurrency(Math.max(1, size));
        spec.setWhenEmpty(whenEmpty);
        pool.setSpec(spec);
        return pool;
    }

    /** A TestVM claiming from {@code pool}. */
    static TestVM claimant(String namespace, String name, String template, String pool) {
        TestVM testVM = TestVMs.testVM(namespace, name, template, CloneTypeSpec.linked);
        testVM.getSpec().setPoolRef(pool);
        return testVM;
    }

    static TestVMPool get(KubernetesClient client, String namespace, String name) {
        return client.resources(TestVMPool.class).inNamespace(namespace).withName(name).get();
    }

    static int ready(TestVMPool pool) {
        return pool == null || pool.getStatus() == null || pool.getStatus().getReady() == null ? -1 : pool.getStatus().getReady();
    }

    static List<TestVM> members(KubernetesClient client, String namespace, String pool) {
        return PoolMembers.list(client, namespace, pool);
    }

    static String outcome(TestVM testVM) {
        return testVM.getStatus() == null || testVM.getStatus().getPool() == null ? null : testVM.getStatus().getPool().getOutcome();
    }

    static boolean claimed(TestVM testVM) {
        return PoolClaim.CLAIMED.equals(outcome(testVM));
    }

    /** "vm-123" of "VirtualMachine:vm-123". */
    static String vmValue(TestVM testVM) {
        String moRef = PoolMembers.vmOf(testVM);
        return moRef == null ? null : moRef.substring(moRef.indexOf(':') + 1);
    }
}
