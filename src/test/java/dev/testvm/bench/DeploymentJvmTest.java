package dev.testvm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DeploymentJvmTest {

    private static final String DEPLOYMENT = """
            spec:
              template:
                spec:
                  containers:
                    - name: operator
                      env:
                        - name: OTHER
                          value: x
                        - name: JAVA_TOOL_OPTIONS
                          value: "-Xmx100m -XX:+UseSerialGC"
                      resources:
                        limits: {cpu: 1500m, memory: 384Mi}
            """;

    @Test
    void toolOptionsThenTheContainerLimitsAsTheJvmWouldSeeThem() throws Exception {
        assertThat(DeploymentJvm.options(DEPLOYMENT)).isEqualTo("-Xmx100m -XX:+UseSerialGC -XX:MaxRAM=384m -XX:ActiveProcessorCount=2");
    }

    @Test
    void refusesADeploymentWithoutLimits() {
        assertThrows(IllegalStateException.class, () -> DeploymentJvm.options(DEPLOYMENT.replace("limits", "requests")));
    }

    @Test
    void readsTheDeploymentInDeploy() {
        assertThat(DeploymentJvm.options()).contains("-XX:MaxRAM=512m");
    }
}
