package dev.testvm.vsphere.session;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.NotAuthenticatedException;
import dev.testvm.vsphere.methods.SessionMethods;
import dev.testvm.vsphere.soap.SoapCaller;
import dev.testvm.vsphere.soap.SoapClient;
import dev.testvm.vsphere.soap.XmlElement;
import dev.testvm.vsphere.soap.XmlWriter;
import dev.testvm.vsphere.types.ServiceContent;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One logged-in vSphere session shared by every thread of a connection.
 *
 * <p>Every call goes through {@link #call}: on {@code NotAuthenticated} (an idle session expired,
 * vCenter restarted) it logs in again and retries the call once. Re-login is single-flight: a
 * {@linkplain #generation() generation} counter tells a thread whether someone else already
 * logged in since its call was sent, so eight threads failing at once cause one Login, not eight.
 * Objects bound to a session (private property collectors, filters, views) die with it; their
 * owners compare generations to notice.
 */
public final class Session implements SoapCaller, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Session.class);

    private final SoapClient soap;
    private final String username;
    private final String password;
    private final ServiceContent serviceContent;
    private final ReentrantLock loginLock = new ReentrantLock();
    private volatile long generation;
    private volatile boolean closed;

    private Session(SoapClient soap, String username, String password, ServiceContent serviceContent) {
        this.soap = soap;
        this.username = username;
        this.password = password;
        this.serviceContent = serviceContent;
    }

    /**
     * Reads the ServiceContent (which also gives the API version for the SOAPAction header) and
     * logs in. Wrong credentials fail here with {@code InvalidLoginException}.
     */
    public static Session open(SoapClient soap, String username, String password) {
        ServiceContent content = SessionMethods.retrieveServiceContent(soap);
        soap.apiVersion(content.apiVersion());
        if (content.guestOperationsManager() == null || content.viewManager() == null) {
            // The first call went out without a version, which a server may answer in the
            // oldest API's shape (no fields added since); ask again in the version it announced.
            content = SessionMethods.retrieveServiceContent(soap);
        }
        Session session = new Session(soap, username, password, content);
        session.relogin(session.generation);
        return session;
    }

    public ServiceContent serviceContent() {
        return serviceContent;
    }

    public SoapClient soap() {
        return soap;
    }

    /** Incremented by every successful login. */
    public long generation() {
        return generation;
    }

    @Override
    public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params) {
        return call(method, target, params, null);
    }

    @Override
    public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params, Duration timeout) {
        long seen = generation;
        try {
            return send(method, target, params, timeout);
        } catch (NotAuthenticatedException e) {
            if (closed) {
                throw e;
            }
            LOG.debugf("%s: session not authenticated, logging in again and retrying once", method);
            relogin(seen);
            return send(method, target, params, timeout);
        }
    }

    private XmlElement send(String method, MoRef target, Consumer<XmlWriter> params, Duration timeout) {
        return timeout == null ? soap.call(method, target, params) : soap.call(method, target, params, timeout);
    }

    /**
     * Logs in unless another thread already did since {@code seenGeneration}. Holding the lock
     * while logging in is the point: the other threads wait for that one Login and then retry.
     */
    public void relogin(long seenGeneration) {
        loginLock.lock();
        try {
            if (generation != seenGeneration) {
                return;
            }
            soap.clearSession();
            SessionMethods.login(soap, serviceContent.sessionManager(), username, password);
            generation = seenGeneration + 1;
            LOG.debugf("logged in to %s as %s (session generation %d)", soap.url(), username, generation);
        } finally {
            loginLock.unlock();
        }
    }

    /** Logs out (vCenter caps sessions per user: leaking them is a classic operator bug). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            SessionMethods.logout(soap, serviceContent.sessionManager());
        } catch (VimFaultException | VCenterUnreachableException e) {
            LOG.debugf("logout from %s failed (session already gone?): %s", soap.url(), e.getMessage());
        }
        soap.clearSession();
    }
}
