package dev.testvm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GuestOutputTest {

    @Test
    void utf8_is_decoded_as_such() {
        assertThat(GuestOutput.decode("Passerelle par défaut : 10.0.0.1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("Passerelle par défaut : 10.0.0.1");
    }

    @Test
    void oem_code_page_output_still_yields_its_addresses() {
        // cmd writes ipconfig's French labels in CP850, where é is 0x82: not valid UTF-8.
        byte[] cp850 = "   Adresse IPv4. . . . . : 10.20.30.41(pr\u0000f\u0000r\u0000)\r\n   Masque de sous-r\u0000seau : 255.255.255.0\r\n"
                .replace('\u0000', '\u0082')
                .getBytes(StandardCharsets.ISO_8859_1);
        String text = GuestOutput.decode(cp850);
        assertThat(IpScannerTest.texts(IpScanner.scan(text))).containsExactly("10.20.30.41");
    }

    @Test
    void utf16_with_bom_is_recognised() {
        byte[] bytes = "\uFEFF10.0.0.9\r\n".getBytes(StandardCharsets.UTF_16LE);
        assertThat(GuestOutput.decode(bytes)).isEqualTo("10.0.0.9\r\n");
    }

    @Test
    void first_line_skips_blank_lines_and_is_bounded() {
        assertThat(GuestOutput.firstLine("\r\n  \r\n  sh: 1: ip: not found\r\nmore")).isEqualTo("sh: 1: ip: not found");
        assertThat(GuestOutput.firstLine("x".repeat(500))).hasSize(201);
        assertThat(GuestOutput.firstLine("")).isEmpty();
    }
}
