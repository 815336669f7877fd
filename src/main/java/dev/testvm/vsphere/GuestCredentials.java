package dev.testvm.vsphere;

import java.util.Objects;

/** Guest OS login for guest operations. The password never appears in {@link #toString()}. */
public record GuestCredentials(String username, String password) {

    public GuestCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "GuestCredentials[username=" + username + ", password=***]";
    }
}
