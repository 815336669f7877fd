package dev.testvm.reconciler.status;

import dev.testvm.api.TestVM;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events on TestVMs so {@code kubectl describe} tells the story. Best effort. Each
 * Event carries the labels the given function gives its TestVM (its vCenter), so
 * {@code kubectl get events -l} can select them.
 */
public class KubeEvents {

    private static final Logger LOG = Logger.getLogger(KubeEvents.class);

    private final KubernetesClient client;
    private final Function<TestVM, Map<String, String>> labels;

    public KubeEvents(KubernetesClient client) {
        this(client, testVM -> Map.of());
    }

    public KubeEvents(KubernetesClient client, Function<TestVM, Map<String, String>> labels) {
        this.client = client;
        this.labels = labels;
    }

    public void normal(TestVM testVM, String reason, String message) {
        emit(testVM, "Normal", reason, message);
    }

    public void warning(TestVM testVM, String reason, String message) {
        emit(testVM, "Warning", reason, message);
    }

    private void emit(TestVM testVM, String type, String reason, String message) {
        LOG.infof("%s/%s %s: %s", testVM.getMetadata().getNamespace(), testVM.getMetadata().getName(), reason, message);
        if (client == null) {
            return;
        }
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(testVM.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(testVM.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                    .withNamespace(testVM.getMetadata().getNamespace())
                    .withLabels(labels.apply(testVM))
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(testVM.getApiVersion())
                            .withKind(testVM.getKind())
                            .withName(testVM.getMetadata().getName())
                            .withNamespace(testVM.getMetadata().getNamespace())
                            .withUid(testVM.getMetadata().getUid())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent("testvm-operator").endSource()
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.debugf("could not record event %s on %s: %s", reason, testVM.getMetadata().getName(), e.getMessage());
        }
    }
}
