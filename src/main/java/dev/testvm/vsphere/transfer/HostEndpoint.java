package dev.testvm.vsphere.transfer;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import dev.testvm.vsphere.soap.TlsContexts;

/**
 * Where and how to fetch guest files from one ESXi host: the address to connect to and an
 * HttpClient whose TLS trusts exactly this host (see {@link HostTrustManager}).
 *
 * @param connectHost the management IP where the inventory name does not resolve (or the only
 *     management IP), else the inventory name
 * @param reportKey vCenter's certificate report this endpoint was built from
 */
record HostEndpoint(EsxiHost host, String connectHost, String reportKey, HttpClient http) {

    /** Whether a name resolves from here; {@link #DNS} asks the system resolver. */
    static final Predicate<String> DNS = name -> {
        try {
            InetAddress.getByName(name);
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    };

    static HostEndpoint build(EsxiHost host, HostTrustPolicy policy, X509ExtendedTrustManager caBundle,
            Predicate<String> resolves, Duration connectTimeout) {
        String connect = connectHost(host, resolves);
        SSLParameters parameters = new SSLParameters();
        if (!isIpLiteral(host.name())) {
            // Connected by IP, the JDK checks the certificate against the SNI name: the inventory
            // name, which is what a VMCA certificate carries (often without any IP SAN).
            parameters.setServerNames(List.of(new SNIHostName(host.name())));
        }
        SSLContext context = TlsContexts.withTrustManager(new HostTrustManager(host, policy, caBundle));
        HttpClient http = HttpClient.newBuilder()
                .sslContext(context)
                .sslParameters(parameters)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
        return new HostEndpoint(host, connect, host.reportKey(), http);
    }

    /**
     * As vCenter requires: its transfer URLs name the host by inventory name, which often does not
     * resolve from a pod. With exactly one management IP that IP is used always (it is where
     * vCenter itself reaches the host); with several, the name when it resolves, else the first.
     */
    static String connectHost(EsxiHost host, Predicate<String> resolves) {
        if (isIpLiteral(host.name())) {
            return host.name();
        }
        List<String> ips = host.managementIps();
        if (ips.size() == 1) {
            return ips.get(0);
        }
        if (ips.isEmpty() || resolves.test(host.name())) {
            return host.name();
        }
        return ips.get(0);
    }

    /** The transfer URL pointed at {@link #connectHost}, keeping port, path and query as sent. */
    URI target(URI transferUrl) {
        String hostPart = connectHost.contains(":") ? "[" + connectHost + "]" : connectHost;
        return URI.create(transferUrl.getScheme() + "://" + hostPart
                + (transferUrl.getPort() == -1 ? "" : ":" + transferUrl.getPort())
                + (transferUrl.getRawPath() == null ? "" : transferUrl.getRawPath())
                + (transferUrl.getRawQuery() == null ? "" : "?" + transferUrl.getRawQuery()));
    }

    /** Whether the URL's host part is this host (by inventory name or a management IP). */
    boolean names(String urlHost) {
        String bare = urlHost.startsWith("[") ? urlHost.substring(1, urlHost.length() - 1) : urlHost;
        return bare.equalsIgnoreCase(host.name()) || host.managementIps().stream().anyMatch(bare::equalsIgnoreCase);
    }

    static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }
}
