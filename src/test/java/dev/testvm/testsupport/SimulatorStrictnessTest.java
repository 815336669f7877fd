package dev.testvm.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.soap.TlsContexts;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator refuses a request vCenter's deserializer would refuse, and the launcher sees the
 * count: the basis of {@link SimulatorExtension}'s check that our client never sends one.
 */
class SimulatorStrictnessTest {

    @RegisterExtension
    static final SimulatorExtension SIM = new SimulatorExtension().allowInvalidRequests();

    @Test
    void anUnknownElementIsAnInvalidRequestAndCounted() throws Exception {
        Simulator sim = SIM.simulator();
        sim.resetStats();
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
                + "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">ServiceInstance</_this>"
                + "<surprise>1</surprise></RetrieveServiceContent></soapenv:Body></soapenv:Envelope>";
        HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.pinned(sim.thumbprint())).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sim.url())
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:vim25/8.0.3.0")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("xsi:type=\"InvalidRequest\"").contains("surprise");
        Simulator.Stats stats = sim.stats();
        assertThat(stats.invalidRequests()).isEqualTo(1);
        assertThat(stats.lastInvalidReasons()).singleElement().asString().startsWith("RetrieveServiceContent: ");
    }
}
