package dev.testvm.testsupport;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Installs the committed CRD from {@code crds/}, exactly what users install. */
public final class Crds {

    public static final Path TESTVM_CRD = Path.of("crds", "testvms.testvm.dev-v1.yml");
    public static final Path TESTVMPOOL_CRD = Path.of("crds", "testvmpools.testvm.dev-v1.yml");
    public static final Path VCENTER_CRD = Path.of("crds", "vcenters.testvm.dev-v1.yml");

    private Crds() {}

    /** Installs all three CRDs (the operator watches TestVMPools and VCenters too); returns the TestVM one. */
    public static synchronized CustomResourceDefinition installTestVm(KubernetesClient client) {
        install(client, TESTVMPOOL_CRD);
        install(client, VCENTER_CRD);
        return install(client, TESTVM_CRD);
    }

    private static CustomResourceDefinition install(KubernetesClient client, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.resource(crd).forceConflicts().serverSideApply();
            return client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                            .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                            60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
