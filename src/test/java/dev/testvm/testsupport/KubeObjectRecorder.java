package dev.testvm.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Records, for the whole test run, every version of every TestVM (status included) and every
 * Event in all namespaces of one API server, one JSON line each, for the secret-leak audit. It
 * also registers the values of password keys of every Secret as test passwords, so a password a
 * test puts only into a Secret is looked for as well.
 */
public final class KubeObjectRecorder implements AutoCloseable {

    private final Path file = SuiteRecord.DIR.resolve(SuiteRecord.KUBE_OBJECTS_PREFIX + UUID.randomUUID() + ".jsonl");
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    /** Installs the TestVM CRD (so it can be watched from the start) and starts watching. */
    public static KubeObjectRecorder start(KubernetesClient client) {
        Crds.installTestVm(client);
        KubeObjectRecorder recorder = new KubeObjectRecorder();
        recorder.informers.add(client.genericKubernetesResources("testvm.dev/v1alpha1", "TestVM").inAnyNamespace()
                .inform(recorder.writer("TestVM")));
        recorder.informers.add(client.v1().events().inAnyNamespace().inform(recorder.writer("Event")));
        recorder.informers.add(client.secrets().inAnyNamespace().inform(new PasswordHarvester()));
        return recorder;
    }

    private <T extends HasMetadata> ResourceEventHandler<T> writer(String kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                write(kind, "add", obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                write(kind, "update", newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                write(kind, "delete", obj);
            }
        };
    }

    private void write(String kind, String action, HasMetadata object) {
        String json = Serialization.asJson(Map.of("kind", kind, "action", action, "object", object));
        SuiteRecord.appendLine(file, json.replace("\n", " "));
    }

    /** Registers the value of every key whose name says it is a password. */
    private static final class PasswordHarvester implements ResourceEventHandler<Secret> {
        @Override
        public void onAdd(Secret secret) {
            harvest(secret);
        }

        @Override
        public void onUpdate(Secret oldSecret, Secret newSecret) {
            harvest(newSecret);
        }

        @Override
        public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {}

        private static void harvest(Secret secret) {
            if (secret.getData() != null) {
                secret.getData().forEach((key, value) -> {
                    if (isPasswordKey(key) && value != null) {
                        TestPasswords.register(new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
                    }
                });
            }
            if (secret.getStringData() != null) {
                secret.getStringData().forEach((key, value) -> {
                    if (isPasswordKey(key)) {
                        TestPasswords.register(value);
                    }
                });
            }
        }

        private static boolean isPasswordKey(String key) {
            String k = key.toLowerCase(Locale.ROOT);
            return k.contains("pass") || k.contains("pw");
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
