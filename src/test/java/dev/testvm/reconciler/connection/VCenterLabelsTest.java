package dev.testvm.reconciler.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VCenterLabelsTest {

    /** Kubernetes' rule for label values (apimachinery validation.IsValidLabelValue). */
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    @Test
    void aVCenterNameThatIsAValidLabelValueIsUsedUnchanged() {
        assertThat(VCenterLabels.labelValue("lab")).isEqualTo("lab");
        assertThat(VCenterLabels.labelValue("vc-eu.prod")).isEqualTo("vc-eu.prod");
        assertThat(VCenterLabels.labelValue("a".repeat(63))).isEqualTo("a".repeat(63));
    }

    @Test
    void theEnvironmentsVCenterGetsAValidLabelNoVCenterNameCanHave() {
        String label = VCenterLabels.labelValue(VCenterRegistry.ENVIRONMENT);
        assertThat(label).isEqualTo(VCenterLabels.ENVIRONMENT_LABEL).matches(LABEL_VALUE).contains("_");
        assertThat(VCenterLabels.labelValue("environment")).isNotEqualTo(label);
    }

    @Test
    void longNamesAreCutToValidDistinctLabels() {
        String a = "x".repeat(70) + "-a";
        String b = "x".repeat(70) + "-b";
        String dashes = "x".repeat(50) + "-".repeat(30) + "y";
        for (String name : new String[] {a, b, dashes}) {
            assertThat(VCenterLabels.labelValue(name)).as(name).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63).contains("_");
        }
        assertThat(VCenterLabels.labelValue(a)).isNotEqualTo(VCenterLabels.labelValue(b));
        assertThat(VCenterLabels.labelValue("(" + "y".repeat(80) + ")")).matches(LABEL_VALUE);
    }

    @Test
    void metricsAndEventsFollowThePinnedVCenterOnly() {
        TestVM testVM = new TestVM();
        testVM.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("ns").build());
        assertThat(VCenterLabels.metricTag(testVM)).isEqualTo("none");
        assertThat(VCenterLabels.eventLabels(testVM)).isEmpty();
        testVM.setStatus(new TestVMStatus());
        testVM.setSpec(new dev.testvm.api.TestVMSpec());
        testVM.getSpec().setVcenter("lab");
        assertThat(VCenterLabels.eventLabels(testVM)).as("named in spec only, not pinned").isEmpty();
        testVM.getStatus().setVcenter(VCenterRegistry.ENVIRONMENT);
        assertThat(VCenterLabels.metricTag(testVM)).isEqualTo("(environment)");
        assertThat(VCenterLabels.eventLabels(testVM)).isEqualTo(Map.of("testvm.dev/vcenter", "operator_environment"));
        testVM.getStatus().setVcenter("lab");
        assertThat(VCenterLabels.metricTag(testVM)).isEqualTo("lab");
        assertThat(VCenterLabels.eventLabels(testVM)).isEqualTo(Map.of("testvm.dev/vcenter", "lab"));
    }
}
