package dev.testvm.vsphere.soap;

import dev.testvm.vsphere.MoRef;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends one vim25 method call and returns its response element. Implemented by the bare
 * transport ({@link SoapClient}) and by the session layer, which adds login and re-login; the
 * {@code methods} layer is written against this, so it knows nothing of either.
 */
public interface SoapCaller {

    XmlElement call(String method, MoRef target, Consumer<XmlWriter> params);

    /** Same with a longer timeout, for long polls ({@code WaitForUpdatesEx}). */
    XmlElement call(String method, MoRef target, Consumer<XmlWriter> params, Duration timeout);
}
