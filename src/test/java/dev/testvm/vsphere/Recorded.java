package dev.testvm.vsphere;

import dev.testvm.vsphere.soap.SoapClient;
import dev.testvm.vsphere.soap.XmlElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/** Recorded SOAP responses under {@code src/test/resources/vsphere/}. */
public final class Recorded {

    private Recorded() {}

    public static byte[] bytes(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/vsphere/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded response " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The method response element, as the transport would return it for HTTP {@code status}. */
    public static XmlElement response(String name, int status) {
        return SoapClient.unwrap(URI.create("https://vc.example/sdk"), name, status, bytes(name));
    }

    public static XmlElement response(String name) {
        return response(name, 200);
    }
}
