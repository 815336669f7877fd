package dev.testvm.vsphere.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.RequestStats;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads over real TLS from a local HTTPS server standing in for an ESXi host's /guestFile
 * listener (certificates from {@link TestPki}); vCenter's report about the host comes from a fake
 * {@link GuestFileTransfers.HostSource}. The server listens on 127.0.0.1 while the transfer URL
 * names the host's FQDN, which does not resolve: as with a host whose name only the management
 * network knows.
 */
class GuestFileTransfersTest {

    private static final String FQDN = "esx-01.lab.invalid";
    private static final MoRef VM = new MoRef("VirtualMachine", "vm-42");
    private static final MoRef HOST = new MoRef("HostSystem", "host-21");

    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static Path vmca;        // CA-signed, SAN = FQDN only (VMCA style)
    static Path otherVmca;   // CA-signed too, same SAN, another key: not the host vCenter knows
    static Path selfSigned;  // self-signed, SAN = FQDN

    private HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> sniSeen = new AtomicReference<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestPki(pkiDir);
        vmca = pki.signed("vmca", FQDN, "dns:" + FQDN);
        otherVmca = pki.signed("other", FQDN, "dns:" + FQDN);
        selfSigned = pki.selfSigned("self", FQDN, "dns:" + FQDN);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int serve(Path keyStore) throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(keyStore)) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                params.setSSLParameters(p);
            }
        });
        server.createContext("/guestFile", exchange -> {
            requests.incrementAndGet();
            if (exchange instanceof com.sun.net.httpserver.HttpsExchange https && https.getSSLSession() instanceof javax.net.ssl.ExtendedSSLSession ext) {
                ext.getRequestedServerNames().stream().filter(n -> n instanceof SNIHostName)
                        .findFirst().ifPresent(n -> sniSeen.set(((SNIHostName) n).getAsciiName()));
            }
            byte[] body = ("output of " + exchange.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static GuestFileTransfers transfers(FakeHosts hosts, HostTrustPolicy policy, RequestStats stats) {
        return new GuestFileTransfers(hosts, policy, name -> false, Duration.ofSeconds(2), Duration.ofSeconds(5),
                stats, Clock.systemUTC());
    }

    private static EsxiHost host(String name, String thumbprint, X509Certificate cert) {
        return new EsxiHost(HOST, name, List.of("127.0.0.1"), thumbprint, cert);
    }

    private static String get(GuestFileTransfers transfers, String urlHost, int port) {
        URI url = URI.create("https://" + urlHost + ":" + port + "/guestFile?id=7&token=abc");
        return new String(transfers.get(VM, url, 1 << 20).body().orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void hostVouchedForByVCentersCertificateIsReachedByItsManagementIpWithItsNameAsSni() throws Exception {
        int port = serve(vmca);
        FakeHosts hosts = new FakeHosts(host(FQDN, null, TestPki.leaf(vmca)));
        GuestFileTransfers transfers = transfers(hosts, new HostTrustPolicy(true, null, false), null);

        assertThat(get(transfers, FQDN, port)).isEqualTo("output of id=7&token=abc");
        assertThat(sniSeen.get()).isEqualTo(FQDN);
        get(transfers, FQDN, port);
        assertThat(hosts.reads.get()).as("vCenter's report is read once per host").isEqualTo(1);
    }

    @Test
    void aDestroyedVmsHostIsForgotten() throws Exception {
        int port = serve(vmca);
        GuestFileTransfers transfers = transfers(new FakeHosts(host(FQDN, null, TestPki.leaf(vmca))),
                new HostTrustPolicy(true, null, false), null);
        get(transfers, FQDN, port);
        assertThat(transfers.rememberedVms()).isEqualTo(1);

        transfers.forget(VM);

        assertThat(transfers.rememberedVms()).as("one entry per VM ever downloaded from would grow without bound").isZero();
    }

    @Test
    void sha1ThumbprintAloneVouchesForASelfSignedHost() throws Exception {
        int port = serve(selfSigned);
        String sha1 = Thumbprints.sha1(TestPki.leaf(selfSigned));
        GuestFileTransfers transfers = transfers(new FakeHosts(host(FQDN, sha1, null)), new HostTrustPolicy(true, null, false), null);

        assertThat(get(transfers, FQDN, port)).startsWith("output of");
    }

    @Test
    void certificateOtherThanVCentersReportIsRefusedEvenWhenTheCaSignsIt() throws Exception {
        int port = serve(otherVmca);
        FakeHosts hosts = new FakeHosts(host(FQDN, Thumbprints.sha1(TestPki.leaf(vmca)), TestPki.leaf(vmca)));
        GuestFileTransfers transfers = transfers(hosts, new HostTrustPolicy(true, pki.caPem(), false), null);

        assertThatThrownBy(() -> get(transfers, FQDN, port))
                .isInstanceOfSatisfying(GuestFileTransferException.class, e -> {
                    assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.CERTIFICATE_REFUSED);
                    assertThat(e.hostName()).isEqualTo(FQDN);
                    assertThat(e.address()).isEqualTo("127.0.0.1");
                    assertThat(e.port()).isEqualTo(port);
                })
                .hasMessageContaining("not the one vCenter reports")
                .hasMessageContaining(Thumbprints.sha256(TestPki.leaf(otherVmca)));
        assertThat(requests.get()).isZero();
        assertThat(hosts.reads.get()).as("the report is read again before refusing").isEqualTo(2);
    }

    @Test
    void caBundleTrustsAHostVCenterSaysNothingAboutWhenTheCertificateNamesItsInventoryName() throws Exception {
        int port = serve(vmca);
        GuestFileTransfers transfers = transfers(new FakeHosts(host(FQDN, null, null)),
                new HostTrustPolicy(true, pki.caPem(), false), null);

        assertThat(get(transfers, FQDN, port)).startsWith("output of");
    }

    @Test
    void caBundleChecksTheInventoryNameNotTheAddress() throws Exception {
        int port = serve(vmca);
        String otherName = "esx-99.lab.invalid";
        GuestFileTransfers transfers = transfers(new FakeHosts(host(otherName, null, null)),
                new HostTrustPolicy(true, pki.caPem(), false), null);

        assertThatThrownBy(() -> get(transfers, otherName, port))
                .isInstanceOfSatisfying(GuestFileTransferException.class,
                        e -> assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.CERTIFICATE_REFUSED))
                .hasMessageContaining(otherName);
    }

    @Test
    void hostAddedByIpWithoutIpSanIsTrustedThroughVCentersReportOnly() throws Exception {
        int port = serve(vmca);
        X509Certificate cert = TestPki.leaf(vmca);
        GuestFileTransfers byReport = transfers(new FakeHosts(host("127.0.0.1", null, cert)),
                new HostTrustPolicy(true, pki.caPem(), false), null);
        assertThat(get(byReport, "127.0.0.1", port)).startsWith("output of");

        GuestFileTransfers byCaOnly = transfers(new FakeHosts(host("127.0.0.1", null, null)),
                new HostTrustPolicy(true, pki.caPem(), false), null);
        assertThatThrownBy(() -> get(byCaOnly, "127.0.0.1", port)).isInstanceOf(GuestFileTransferException.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void hostNothingVouchesForIsRefusedUnlessInsecureIsConfigured() throws Exception {
        int port = serve(selfSigned);
        FakeHosts hosts = new FakeHosts(host(FQDN, null, null));
        assertThatThrownBy(() -> get(transfers(hosts, new HostTrustPolicy(true, null, false), null), FQDN, port))
                .isInstanceOf(GuestFileTransferException.class)
                .hasMessageContaining("vCenter reports no certificate for it and no CA bundle is configured");
        // A report over an unverified vCenter session is worth nothing.
        FakeHosts reported = new FakeHosts(host(FQDN, null, TestPki.leaf(vmca)));
        assertThatThrownBy(() -> get(transfers(reported, new HostTrustPolicy(false, null, false), null), FQDN, port))
                .isInstanceOf(GuestFileTransferException.class);

        assertThat(get(transfers(hosts, new HostTrustPolicy(false, null, true), null), FQDN, port)).startsWith("output of");
    }

    @Test
    void urlNamingAnotherHostThanTheVmsIsRefusedWithoutConnecting() throws Exception {
        int port = serve(vmca);
        GuestFileTransfers transfers = transfers(new FakeHosts(host(FQDN, null, TestPki.leaf(vmca))),
                new HostTrustPolicy(true, null, true), null);

        assertThatThrownBy(() -> get(transfers, "evil.example", port))
                .isInstanceOf(GuestFileTransferException.class)
                .hasMessageContaining("does not vouch for");
        assertThat(requests.get()).isZero();
    }

    @Test
    void replacedCertificateIsTrustedOnceVCentersReportFollows() throws Exception {
        int port = serve(otherVmca);
        FakeHosts hosts = new FakeHosts(host(FQDN, null, TestPki.leaf(vmca)));
        GuestFileTransfers transfers = transfers(hosts, new HostTrustPolicy(true, null, false), null);
        assertThatThrownBy(() -> get(transfers, FQDN, port)).isInstanceOf(GuestFileTransferException.class);

        hosts.current = host(FQDN, null, TestPki.leaf(otherVmca));
        assertThat(get(transfers, FQDN, port)).startsWith("output of");
    }

    @Test
    void unreachableHostIsReportedWithAddressAndPortAndNotRetriedAtOnce() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        RequestStats stats = new RequestStats();
        FakeHosts hosts = new FakeHosts(host(FQDN, null, TestPki.leaf(vmca)));
        GuestFileTransfers transfers = transfers(hosts, new HostTrustPolicy(true, null, false), stats);

        assertThatThrownBy(() -> get(transfers, FQDN, port))
                .isInstanceOfSatisfying(GuestFileTransferException.class, e -> {
                    assertThat(e.hostFault()).isEqualTo(GuestFileHostFault.UNREACHABLE);
                    assertThat(e.address()).isEqualTo("127.0.0.1");
                    assertThat(e.port()).isEqualTo(port);
                })
                .hasMessageContaining("cannot connect to ESXi host '" + FQDN + "'");
        long attempts = stats.count(GuestFileTransfers.METHOD);
        assertThatThrownBy(() -> get(transfers, FQDN, port)).isInstanceOf(GuestFileTransferException.class);
        assertThat(stats.count(GuestFileTransfers.METHOD)).as("fails fast while remembered").isEqualTo(attempts);
    }

    @Test
    void connectHostIsTheOnlyManagementIpElseTheNameWhenItResolves() {
        EsxiHost one = new EsxiHost(HOST, FQDN, List.of("10.0.0.5"), null, null);
        EsxiHost two = new EsxiHost(HOST, FQDN, List.of("10.0.0.5", "10.1.0.5"), null, null);
        EsxiHost none = new EsxiHost(HOST, FQDN, List.of(), null, null);
        EsxiHost byIp = new EsxiHost(HOST, "192.0.2.7", List.of("10.0.0.5"), null, null);
        assertThat(HostEndpoint.connectHost(one, n -> true)).isEqualTo("10.0.0.5");
        assertThat(HostEndpoint.connectHost(two, n -> true)).isEqualTo(FQDN);
        assertThat(HostEndpoint.connectHost(two, n -> false)).isEqualTo("10.0.0.5");
        assertThat(HostEndpoint.connectHost(none, n -> false)).isEqualTo(FQDN);
        assertThat(HostEndpoint.connectHost(byIp, n -> false)).isEqualTo("192.0.2.7");
    }

    /** vCenter's answers about the VM's host; {@code current} may change between reads. */
    static final class FakeHosts implements GuestFileTransfers.HostSource {
        volatile EsxiHost current;
        final AtomicInteger reads = new AtomicInteger();

        FakeHosts(EsxiHost host) {
            this.current = host;
        }

        @Override
        public MoRef hostOf(MoRef vm) {
            return HOST;
        }

        @Override
        public EsxiHost read(MoRef host) {
            reads.incrementAndGet();
            return current;
        }
    }
}
