package dev.testvm.vsphere.types;

import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.soap.XmlWriter;

/**
 * Writes {@code auth} as {@code NamePasswordAuthentication}: interactiveSession, username,
 * password. The parameter's declared type is the abstract {@code GuestAuthentication}, so the
 * xsi:type is mandatory (without it vcsim answers a misleading InvalidGuestLogin). The password
 * goes through {@link XmlWriter#secret} and is masked in logs.
 */
public final class GuestAuth {

    private GuestAuth() {}

    public static void write(XmlWriter w, GuestCredentials credentials) {
        w.start("auth", "NamePasswordAuthentication")
                .element("interactiveSession", false)
                .element("username", credentials.username())
                .secret("password", credentials.password())
                .end("auth");
    }
}
