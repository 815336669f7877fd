package dev.testvm.pool;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMPool;
import dev.testvm.api.TestVMSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A new pool member: a TestVM with the pool's machine spec, labelled with the pool, and owned by
 * it (a cluster's garbage collector removes members of a pool deleted without its finalizer).
 */
final class MemberFactory {

    private MemberFactory() {}

    static TestVM member(TestVMPool pool) {
        TestVM member = new TestVM();
        member.setMetadata(new ObjectMetaBuilder()
                .withGenerateName(prefix(pool.getMetadata().getName()))
                .withNamespace(pool.getMetadata().getNamespace())
                .addToLabels(PoolMembers.POOL_LABEL, pool.getMetadata().getName())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(pool.getApiVersion())
                        .withKind(pool.getKind())
                        .withName(pool.getMetadata().getName())
                        .withUid(pool.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build());
        TestVMSpec spec = Serialization.clone(pool.getSpec().getVm());
        spec.setPoolRef(null);
        spec.setTtl(null);
        member.setSpec(spec);
        return member;
    }

    /** generateName adds 5 characters; names stay within the 63 a label value (and DNS label) allows. */
    private static String prefix(String pool) {
        String base = pool.length() > 50 ? pool.substring(0, 50) : pool;
        return base + "-";
    }
}
