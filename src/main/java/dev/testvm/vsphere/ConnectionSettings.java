package dev.testvm.vsphere;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach and log in to one vCenter.
 *
 * <p>TLS is verified against the JDK trust store plus {@code caBundle} (PEM) when given; a
 * {@code sha256Thumbprint} pins the server certificate instead; {@code insecure} turns
 * verification off and must be asked for explicitly.
 *
 * @param url the SDK endpoint, e.g. {@code https://vcenter.example.com/sdk}
 * @param maxConcurrentTasks bound on vCenter tasks this operator keeps in flight at once
 */
public record ConnectionSettings(
        URI url,
        String username,
        String password,
        Path caBundle,
        String sha256Thumbprint,
        boolean insecure,
        int maxConcurrentTasks,
        Duration requestTimeout) {

    public ConnectionSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (maxConcurrentTasks < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, got " + maxConcurrentTasks);
        }
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(60) : requestTimeout;
    }

    @Override
    public String toString() {
        return "ConnectionSettings[url=" + url + ", username=" + username + ", password=***, caBundle=" + caBundle
                + ", sha256Thumbprint=" + sha256Thumbprint + ", insecure=" + insecure
                + ", maxConcurrentTasks=" + maxConcurrentTasks + ", requestTimeout=" + requestTimeout + "]";
    }
}
