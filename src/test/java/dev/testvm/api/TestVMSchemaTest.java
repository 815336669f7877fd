package dev.testvm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.testsupport.Crds;
import dev.testvm.testsupport.KubeApiServers;
import dev.testvm.testsupport.Kubectl;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad TestVMs are refused by the real API server at {@code kubectl apply}, with a message naming the field. */
class TestVMSchemaTest {

    @BeforeAll
    static void installCrd() {
        try (KubernetesClient client = KubeApiServers.newClient()) {
            Crds.installTestVm(client);
            client.resource(new NamespaceBuilder().withNewMetadata().withName("schema").endMetadata().build()).serverSideApply();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no template            | {}                                                                        | spec.template: Required value
            empty spec missing     | null                                                                      | spec is required
            unknown cloneType      | {"template":"Templates/ubuntu-22.04","cloneType":"fast"}                 | spec.cloneType: Unsupported value: "fast"
            snapshot with full     | {"template":"Templates/ubuntu-22.04","cloneType":"full","snapshot":"base"} | spec.snapshot is only allowed with cloneType 'linked'
            negative ttl           | {"template":"Templates/ubuntu-22.04","ttl":"-5m"}                        | spec.ttl in body should match
            unparseable ttl        | {"template":"Templates/ubuntu-22.04","ttl":"two hours"}                  | spec.ttl in body should match
            unparseable timeout    | {"template":"Templates/ubuntu-22.04","ipDiscovery":{"timeout":"soon"}}   | spec.ipDiscovery.timeout in body should match
            extraConfig outside guestinfo | {"template":"Templates/ubuntu-22.04","extraConfig":{"disk.EnableUUID":"TRUE"}} | spec.extraConfig keys must start with 'guestinfo.'
            unknown guest os       | {"template":"Templates/ubuntu-22.04","guest":{"os":"plan9"}}             | spec.guest.os: Unsupported value: "plan9"
            secret ref without name | {"template":"Templates/ubuntu-22.04","guest":{"credentialsSecretRef":{}}} | spec.guest.credentialsSecretRef.name: Required value
            zero cpus              | {"template":"Templates/ubuntu-22.04","hardware":{"cpus":0}}              | spec.hardware.cpus: Invalid value: 0
            instant with hardware  | {"template":"Templates/ubuntu-22.04","cloneType":"instant","hardware":{"cpus":2}} | spec.hardware cannot be used with cloneType 'instant'
            memory beyond vSphere  | {"template":"Templates/ubuntu-22.04","hardware":{"memoryMiB":4611686018427387904}} | spec.hardware.memoryMiB: Invalid value
            control char in command | {"template":"Templates/ubuntu-22.04","ipDiscovery":{"command":"ip a\\u001b"}} | spec.ipDiscovery.command in body should match
            control char in template | {"template":"Templates/ubuntu\\u0000"}                                  | spec.template in body should match
            control char in snapshot | {"template":"Templates/ubuntu-22.04","snapshot":"base\\u0007"}         | spec.snapshot in body should match
            ttl of zero            | {"template":"Templates/ubuntu-22.04","ttl":"0s"}                         | spec.ttl must be between 1m and 8760h
            ttl beyond a timestamp | {"template":"Templates/ubuntu-22.04","ttl":"9999999999999h"}             | spec.ttl
            ttl over a year        | {"template":"Templates/ubuntu-22.04","ttl":"8761h"}                      | spec.ttl must be between 1m and 8760h
            timeout too short      | {"template":"Templates/ubuntu-22.04","ipDiscovery":{"timeout":"1s"}}     | spec.ipDiscovery.timeout must be between 10s and 24h
            timeout over a day     | {"template":"Templates/ubuntu-22.04","ipDiscovery":{"timeout":"25h"}}    | spec.ipDiscovery.timeout must be between 10s and 24h
            """)
    void refusedAtApply(String name, String spec, String expectedMessage) {
        String manifest = "{\"apiVersion\":\"testvm.dev/v1alpha1\",\"kind\":\"TestVM\",\"metadata\":{\"name\":\"bad\",\"namespace\":\"schema\"}"
                + ("null".equals(spec) ? "" : ",\"spec\":" + spec) + "}";
        Kubectl.Result result = Kubectl.run(manifest, "apply", "-f", "-");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(expectedMessage);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            minimal       | {"template":"Templates/ubuntu-22.04"}
            tab and newline in extraconfig | {"template":"Templates/ubuntu-22.04","extraConfig":{"guestinfo.key":"line1\\nline2\\tend\\r"},"hardware":{"cpus":2,"memoryMiB":25165824}}
            full options  | {"template":"Templates/ubuntu-22.04","cloneType":"linked","snapshot":"base","ttl":"1h30m","ipDiscovery":{"strategy":"guestOperations","family":"any","timeout":"90s"},"extraConfig":{"guestinfo.ci":"1"},"guest":{"os":"linux","credentialsSecretRef":{"name":"creds"}}}
            """)
    void acceptedAtApply(String name, String spec) {
        String manifest = "{\"apiVersion\":\"testvm.dev/v1alpha1\",\"kind\":\"TestVM\",\"metadata\":{\"name\":\"ok-"
                + name.replace(' ', '-') + "\",\"namespace\":\"schema\"},\"spec\":" + spec + "}";
        Kubectl.Result result = Kubectl.run(manifest, "apply", "--dry-run=server", "-f", "-");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @org.junit.jupiter.api.Test
    void specIsImmutable() {
        String v1 = "{\"apiVersion\":\"testvm.dev/v1alpha1\",\"kind\":\"TestVM\",\"metadata\":{\"name\":\"immutable\",\"namespace\":\"schema\"},\"spec\":{\"template\":\"Templates/a\"}}";
        assertThat(Kubectl.run(v1, "apply", "-f", "-").exitCode()).isZero();
        Kubectl.Result changed = Kubectl.run(v1.replace("Templates/a", "Templates/b"), "apply", "-f", "-");
        assertThat(changed.exitCode()).isNotZero();
        assertThat(changed.output()).contains("spec is immutable");
    }
}
