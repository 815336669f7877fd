package dev.testvm.vsphere.soap;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * The vim25 SOAP transport: one HTTPS endpoint, one session cookie, one request at a time per
 * caller (any number of callers at once; the JDK HttpClient pools connections).
 *
 * <p>It knows nothing of logins: it sends whatever session cookie it last received and turns
 * responses into either the method's response element or an exception. HTTP 500 carrying a SOAP
 * fault becomes the typed {@code VimFaultException} (the HttpClient does not throw on 500); any
 * other failure to get an answer (refused connection, TLS, timeout, 5xx or 4xx without a fault)
 * becomes {@link VCenterUnreachableException}.
 */
public final class SoapClient implements SoapCaller {

    private static final Logger LOG = Logger.getLogger(SoapClient.class);
    private static final String SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String COOKIE_NAME = "vmware_soap_session";

    private final URI url;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final RequestStats stats = new RequestStats();
    private volatile String apiVersion;
    private volatile String sessionCookie;

    public SoapClient(URI url, SSLContext sslContext, Duration requestTimeout) {
        this.url = url;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .sslContext(sslContext)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(requestTimeout)
                .build();
    }

    public URI url() {
        return url;
    }

    public RequestStats stats() {
        return stats;
    }

    /**
     * Sets the version for the {@code SOAPAction: urn:vim25/<version>} header, read from
     * {@code about.apiVersion}. Until then (only RetrieveServiceContent) the header is the
     * unversioned {@code urn:vim25}.
     */
    public void apiVersion(String version) {
        this.apiVersion = version;
    }

    /** Forgets the session cookie, so that the next request (a Login) starts a fresh session. */
    public void clearSession() {
        sessionCookie = null;
    }

    @Override
    public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params) {
        return call(method, target, params, requestTimeout);
    }

    /**
     * Sends {@code <method xmlns="urn:vim25"><_this .../>params</method>} and returns the
     * {@code <methodResponse>} element (its {@code returnval} children are the result).
     */
    @Override
    public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params, Duration timeout) {
        XmlWriter writer = new XmlWriter();
        writer.moRef("_this", target);
        params.accept(writer);
        if (LOG.isDebugEnabled()) {
            LOG.debugf("vim25 request %s: %s", method, writer.logText());
        }
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soapenv:Envelope xmlns:soapenv=\"" + SOAP_ENV + "\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                + " xmlns:xsi=\"" + XmlParser.XSI_NS + "\"><soapenv:Body>"
                + "<" + method + " xmlns=\"urn:vim25\">" + writer.wireText() + "</" + method + ">"
                + "</soapenv:Body></soapenv:Envelope>";
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", apiVersion == null ? "urn:vim25" : "urn:vim25/" + apiVersion)
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
        String cookie = sessionCookie;
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        stats.increment(method);
        try {
            HttpResponse<byte[]> response = send(request.build(), method);
            rememberCookie(response);
            if (LOG.isDebugEnabled()) {
                // Size only: property reads return whole extraConfig maps, where guest secrets often live.
                LOG.debugf("vim25 response %s: HTTP %d, %d bytes", method, response.statusCode(), response.body().length);
            }
            XmlElement result = unwrap(url, method, response.statusCode(), response.body());
            stats.completed(method, null);
            return result;
        } catch (VimFaultException e) {
            stats.completed(method, e.faultType());
            throw e;
        } catch (VCenterUnreachableException e) {
            stats.completed(method, RequestStats.UNREACHABLE);
            throw e;
        }
    }

    /**
     * Parses a response: returns the body's method response element, or throws the mapped fault
     * (any status: vCenter uses 500) or, without a fault, {@link VCenterUnreachableException}.
     */
    public static XmlElement unwrap(URI url, String method, int status, byte[] body) {
        XmlElement bodyElement;
        try {
            XmlElement envelope = XmlParser.parse(body);
            bodyElement = envelope.child("Body");
        } catch (IllegalArgumentException e) {
            bodyElement = null;
        }
        XmlElement first = bodyElement == null || bodyElement.children().isEmpty() ? null : bodyElement.children().get(0);
        if (first != null && first.name().equals("Fault") && SOAP_ENV.equals(first.namespace())) {
            throw FaultMapper.fromSoapFault(first);
        }
        if (status == 200 && first != null) {
            return first;
        }
        throw new VCenterUnreachableException(
                "vCenter " + url + " answered " + method + " with HTTP " + status + " and no SOAP fault", null);
    }

    /**
     * Plain HTTPS GET with the same TLS rules (guest file transfer URLs carry their own ticket).
     * The body is streamed and read only up to {@code maxBytes}: empty when it is longer.
     */
    public Optional<byte[]> get(URI target, int[] statusOut, int maxBytes) {
        stats.increment("GET guestFile");
        String what = "GET " + target.getPath();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(requestTimeout).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            statusOut[0] = response.statusCode();
            return BoundedBody.read(response.body(), maxBytes);
        } catch (IOException e) {
            throw new VCenterUnreachableException("cannot reach vCenter at " + url + " (" + what + "): " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VCenterUnreachableException("interrupted while calling vCenter at " + url + " (" + what + ")", e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new VCenterUnreachableException("cannot reach vCenter at " + url + " (" + what + "): " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VCenterUnreachableException("interrupted while calling vCenter at " + url + " (" + what + ")", e);
        }
    }

    private void rememberCookie(HttpResponse<?> response) {
        for (String header : response.headers().allValues("set-cookie")) {
            String pair = header.split(";", 2)[0].trim();
            if (pair.startsWith(COOKIE_NAME + "=")) {
                sessionCookie = pair;
            }
        }
    }

    /** The distinct messages along the cause chain: a TLS failure's reason is usually nested. */
    static String describe(Throwable error) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = error; t != null && messages.size() < 5; t = t.getCause()) {
            String m = t.getMessage();
            messages.add(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
        }
        return String.join(": ", messages);
    }
}
