package dev.testvm.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TlsContextsTest {

    @Test
    void thumbprintsAreNormalizedToColonSeparatedUpperCase() {
        String hex = "4c3d58c280ea08a0675379a8d53b7c776a8a40eed1804e1726395bd70723d4d8";
        assertThat(TlsContexts.normalize(hex)).isEqualTo("4C:3D:58:C2:80:EA:08:A0:67:53:79:A8:D5:3B:7C:77:6A:8A:40:EE:D1:80:4E:17:26:39:5B:D7:07:23:D4:D8");
        assertThat(TlsContexts.normalize("4C:3D:58:C2:80:EA:08:A0:67:53:79:A8:D5:3B:7C:77:6A:8A:40:EE:D1:80:4E:17:26:39:5B:D7:07:23:D4:D8"))
                .isEqualTo(TlsContexts.normalize(hex));
    }

    @Test
    void sha1ThumbprintIsRefused() {
        assertThatThrownBy(() -> TlsContexts.pinned("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA-256");
    }
}
