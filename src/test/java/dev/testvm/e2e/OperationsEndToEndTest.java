package dev.testvm.e2e;

import static dev.testvm.e2e.TestVMs.testVM;
import static dev.testvm.testsupport.OperatorTestEnvironment.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.TestVM;
import dev.testvm.reconciler.connection.VCenterLabels;
import dev.testvm.testsupport.EndToEnd;
import dev.testvm.testsupport.OperatorTestEnvironment;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What operations teams scrape and probe: /q/metrics and /q/health, with the operator at work. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestEnvironment.class, restrictToAnnotatedClass = false)
class OperationsEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final EndToEnd E2E = EndToEnd.inProcessOperator().timeout(TIMEOUT);

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @Test
    void readyTestVmShowsUpInThePhaseHistogramsAndVCenterRequestCounters() {
        TestVM created = E2E.client().resource(testVM(NAMESPACE, "ops-metrics", "Templates/ubuntu-22.04", CloneTypeSpec.linked)).create();
        TestVM readyVm = await().atMost(TIMEOUT).until(
                () -> E2E.get("ops-metrics"), TestVMs::isReady);

        String text = get(metrics).body();
        for (String phase : new String[] {"clone", "powerOn", "ip", "total"}) {
            assertThat(count(text, "testvm_phase_duration_seconds_count", "phase=\"" + phase + "\"", "clone_type=\"linked\"",
                    "vcenter=\"(environment)\"")).as("histogram count of phase %s", phase).isPositive();
        }
        assertThat(text).contains("testvm_phase_duration_seconds_bucket{");
        assertThat(text).contains("ip_source=\"" + readyVm.getStatus().getIpSource() + "\"");
        assertThat(count(text, "testvm_testvms", "phase=\"Ready\"")).isPositive();
        assertThat(count(text, "testvm_vcenter_requests_total", "method=\"CloneVM_Task\"", "fault=\"none\"")).isPositive();
        assertThat(count(text, "testvm_vcenter_sessions_open", "vcenter=\"(environment)\"")).isEqualTo(1.0);
        // The orphan sweeper is scheduled at start-up (its first sweep is one interval later).
        assertThat(text).contains("testvm_orphans_destroyed_total{vcenter=\"(environment)\"")
                .contains("testvm_orphans_pending{vcenter=\"(environment)\"");

        E2E.client().resource(created).delete();
        await().atMost(TIMEOUT).until(() -> E2E.get("ops-metrics") == null);
    }

    /** Issue 14: the TestVM metrics and Events say which vCenter they are about (here the environment's). */
    @Test
    void failuresAndEventsAreLabelledWithTheVCenter() {
        TestVM created = E2E.client().resource(testVM(NAMESPACE, "ops-missing", "Templates/no-such-template", CloneTypeSpec.linked))
                .create();
        TestVM failed = await().atMost(TIMEOUT).until(() -> E2E.get("ops-missing"), t -> TestVMs.failed(t).isPresent());
        assertThat(failed.getStatus().getVcenter()).isEqualTo("(environment)");

        assertThat(count(get(metrics).body(), "testvm_failures_total", "reason=\"TemplateNotFound\"", "kind=\"terminal\"",
                "vcenter=\"(environment)\"")).isPositive();
        List<Event> labelled = E2E.client().v1().events().inNamespace(NAMESPACE)
                .withLabel(VCenterLabels.EVENT_LABEL, VCenterLabels.ENVIRONMENT_LABEL).list().getItems();
        assertThat(labelled).anyMatch(e -> "ops-missing".equals(e.getInvolvedObject().getName()) && "TemplateNotFound".equals(e.getReason()));
        assertThat(E2E.client().v1().events().inNamespace(NAMESPACE).withLabel(VCenterLabels.EVENT_LABEL, "lab").list().getItems())
                .noneMatch(e -> "ops-missing".equals(e.getInvolvedObject().getName()));

        E2E.client().resource(created).delete();
        await().atMost(TIMEOUT).until(() -> E2E.get("ops-missing") == null);
    }

    @Test
    void readinessFollowsVCenterAndLivenessDoesNot() {
        await().atMost(TIMEOUT).until(() -> get(ready).statusCode() == 200);
        assertThat(get(ready).body()).contains("\"vCenter\"");
        try {
            OperatorTestEnvironment.simulator().unreachable(true);
            HttpResponse<String> down = await().atMost(TIMEOUT).until(() -> get(ready), r -> r.statusCode() == 503);
            assertThat(down.body()).contains("\"vCenter\"").contains("DOWN").contains("reason");
            assertThat(get(live).statusCode()).as(get(live).body()).isEqualTo(200);
        } finally {
            OperatorTestEnvironment.simulator().unreachable(false);
        }
        await().atMost(TIMEOUT).until(() -> get(ready).statusCode() == 200);
    }

    /** The value of the first sample of {@code metric} whose labels contain all {@code labels}; 0 if none. */
    private static double count(String text, String metric, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)$").matcher(text);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(URL url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
