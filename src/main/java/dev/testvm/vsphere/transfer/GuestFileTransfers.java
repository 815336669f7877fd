package dev.testvm.vsphere.transfer;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.RequestStats;
import dev.testvm.vsphere.soap.TlsContexts;
import dev.testvm.vsphere.soap.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * Downloads guest files from the ESXi host a vCenter transfer URL names ({@code
 * https://<host inventory name>:443/guestFile?id=…&token=…}).
 *
 * <p>Per VM the host is {@code runtime.host}; per host, vCenter's report (name, management IPs,
 * certificate) is read once and kept with an HttpClient that trusts exactly that host. The
 * report is read again when a download fails (the host's certificate may have been replaced, the
 * VM may have moved); a changed report rebuilds the endpoint and the download is tried once more.
 * A host that could not be reached is not tried again for {@link #UNREACHABLE_MEMORY}, so the
 * VMs on it fail fast instead of each waiting for a connect timeout.
 */
public final class GuestFileTransfers {

    private static final Logger LOG = Logger.getLogger(GuestFileTransfers.class);
    static final Duration UNREACHABLE_MEMORY = Duration.ofSeconds(30);
    static final String METHOD = "GET guestFile";

    /** Reads what vCenter says about VMs' hosts; the production one is {@link EsxiHostReader}. */
    public interface HostSource {
        MoRef hostOf(MoRef vm);

        EsxiHost read(MoRef host);
    }

    private final HostSource hosts;
    private final HostTrustPolicy policy;
    private final X509ExtendedTrustManager caBundle;
    private final Predicate<String> resolves;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final RequestStats stats;
    private final Clock clock;
    private final Map<MoRef, MoRef> vmHosts = new ConcurrentHashMap<>();
    private final Map<MoRef, HostEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<MoRef, Unreachable> unreachable = new ConcurrentHashMap<>();

    private record Unreachable(Instant until, GuestFileTransferException error) {}

    public GuestFileTransfers(HostSource hosts, HostTrustPolicy policy, Predicate<String> resolves,
            Duration connectTimeout, Duration requestTimeout, RequestStats stats, Clock clock) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.caBundle = policy.caBundle() == null ? null : TlsContexts.bundleTrustManager(policy.caBundle());
        this.resolves = resolves == null ? HostEndpoint.DNS : resolves;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.stats = stats;
        this.clock = clock;
    }

    /**
     * @param status the HTTP status
     * @param body the body, empty when it is longer than the limit (it is not read further)
     */
    public record Download(int status, Optional<byte[]> body) {}

    /** GET {@code transferUrl} (a URL naming an ESXi host) for {@code vm}'s file, reading at most {@code maxBytes}. */
    public Download get(MoRef vm, URI transferUrl, int maxBytes) {
        HostEndpoint endpoint = endpointFor(vm, transferUrl, false);
        Unreachable known = unreachable.get(endpoint.host().host());
        if (known != null && clock.instant().isBefore(known.until())) {
            throw known.error();
        }
        try {
            return send(endpoint, transferUrl, maxBytes);
        } catch (GuestFileTransferException first) {
            HostEndpoint fresh = endpointFor(vm, transferUrl, true);
            if (fresh.reportKey().equals(endpoint.reportKey()) && fresh.connectHost().equals(endpoint.connectHost())
                    && fresh.host().host().equals(endpoint.host().host())) {
                if (first.hostFault() == GuestFileHostFault.UNREACHABLE) {
                    unreachable.put(endpoint.host().host(), new Unreachable(clock.instant().plus(UNREACHABLE_MEMORY), first));
                }
                throw first;
            }
            LOG.infof("%s: vCenter's report changed (certificate, address or the VM's host); trying again", fresh.host());
            return send(fresh, transferUrl, maxBytes);
        }
    }

    /** The VM is destroyed: its host is no longer worth remembering (hosts and their endpoints stay). */
    public void forget(MoRef vm) {
        vmHosts.remove(vm);
    }

    /** How many VMs' hosts are remembered (for tests). */
    int rememberedVms() {
        return vmHosts.size();
    }

    private HostEndpoint endpointFor(MoRef vm, URI url, boolean refresh) {
        if (refresh) {
            vmHosts.remove(vm);
        }
        MoRef host = vmHosts.computeIfAbsent(vm, hosts::hostOf);
        if (refresh) {
            EsxiHost now = hosts.read(host);
            HostEndpoint old = endpoints.get(host);
            if (old == null || !old.reportKey().equals(now.reportKey()) || !old.host().equals(now)) {
                endpoints.put(host, HostEndpoint.build(now, policy, caBundle, resolves, connectTimeout));
                unreachable.remove(host);
            }
        }
        HostEndpoint endpoint = endpoints.computeIfAbsent(host,
                h -> HostEndpoint.build(hosts.read(h), policy, caBundle, resolves, connectTimeout));
        if (!endpoint.names(url.getHost())) {
            // Never send the ticket to a host vCenter did not name as this VM's.
            throw new GuestFileTransferException(GuestFileHostFault.CERTIFICATE_REFUSED, url.getHost(),
                    url.getHost(), port(url), "the transfer URL names '" + url.getHost() + "' but " + vm
                    + " runs on " + endpoint.host() + "; not downloading from a host vCenter does not vouch for");
        }
        return endpoint;
    }

    private Download send(HostEndpoint endpoint, URI transferUrl, int maxBytes) {
        URI target = endpoint.target(transferUrl);
        HttpRequest request = HttpRequest.newBuilder(target).timeout(requestTimeout).GET().build();
        try {
            HttpResponse<InputStream> response = endpoint.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            Optional<byte[]> body = BoundedBody.read(response.body(), maxBytes);
            unreachable.remove(endpoint.host().host());
            record(null);
            return new Download(response.statusCode(), body);
        } catch (IOException | UnresolvedAddressException e) {
            GuestFileTransferException error = translate(endpoint, port(transferUrl), e);
            record(error.faultType());
            throw error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFileTransferException(GuestFileHostFault.UNREACHABLE, endpoint.host().name(),
                    endpoint.connectHost(), port(transferUrl), "interrupted while downloading from " + endpoint.host());
        }
    }

    static GuestFileTransferException translate(HostEndpoint endpoint, int port, Exception e) {
        EsxiHost host = endpoint.host();
        String at = " at " + endpoint.connectHost() + " port " + port;
        if (isTls(e)) {
            return new GuestFileTransferException(GuestFileHostFault.CERTIFICATE_REFUSED, host.name(),
                    endpoint.connectHost(), port, "TLS with " + host + at + " failed: " + describe(e));
        }
        String why = isUnreachable(e) ? "cannot connect to " : "download failed from ";
        String advice = HostEndpoint.isIpLiteral(endpoint.connectHost())
                ? "; to download guest files through the host, open TCP " + port + " from the operator's pods to "
                        + endpoint.connectHost() + " (the host's management address as vCenter reports it)"
                : "; to download guest files through the host, make '" + endpoint.connectHost()
                        + "' resolvable from the operator's pods and open TCP " + port + " to it";
        return new GuestFileTransferException(GuestFileHostFault.UNREACHABLE, host.name(),
                endpoint.connectHost(), port, why + host + at + ": " + describe(e) + advice);
    }

    private static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** The distinct messages along the cause chain (a TLS refusal's reason is nested). */
    private static String describe(Throwable error) {
        java.util.Set<String> messages = new java.util.LinkedHashSet<>();
        for (Throwable t = error; t != null && messages.size() < 5; t = t.getCause()) {
            String m = t.getMessage();
            messages.add(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
        }
        return String.join(": ", messages);
    }

    private void record(String fault) {
        if (stats != null) {
            stats.record(METHOD, fault);
        }
    }

    private static int port(URI url) {
        return url.getPort() == -1 ? 443 : url.getPort();
    }
}
