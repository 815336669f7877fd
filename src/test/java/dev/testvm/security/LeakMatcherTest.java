package dev.testvm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit's matcher finds a planted password in every form, and only there. */
class LeakMatcherTest {

    private static final String PASSWORD = "Planted-Pw-4711";
    private final LeakMatcher matcher = new LeakMatcher(List.of(PASSWORD, "other-password-1"));

    private List<LeakMatcher.Leak> scan(String text) throws IOException {
        return matcher.scan("log", new BufferedReader(new StringReader(text)));
    }

    @Test
    void findsThePasswordInPlainTextAndNamesTheLineWithoutRepeatingIt() throws IOException {
        List<LeakMatcher.Leak> leaks = scan("ok line\nlogin as ci with " + PASSWORD + " failed\n");
        assertThat(leaks).singleElement().satisfies(leak -> {
            assertThat(leak.line()).isEqualTo(2);
            assertThat(leak.form()).isEqualTo("plain");
            assertThat(leak.toString()).startsWith("log:2 ").contains("'Pla...'").doesNotContain(PASSWORD);
        });
    }

    @Test
    void findsTheBase64FormAtEveryAlignmentInsideLongerValues() throws IOException {
        for (String prefix : List.of("", "u", "us", "user:")) {
            String encoded = Base64.getEncoder().encodeToString((prefix + PASSWORD + ":tail").getBytes(StandardCharsets.UTF_8));
            assertThat(scan("Authorization: Basic " + encoded)).as("prefix '%s'", prefix).isNotEmpty()
                    .allSatisfy(leak -> assertThat(leak.form()).startsWith("base64"));
            String url = Base64.getUrlEncoder().withoutPadding().encodeToString((prefix + "\u00ff\u00fe" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(scan(url)).as("url alphabet, prefix '%s'", prefix).isNotEmpty();
        }
    }

    @Test
    void findsXmlJsonAndUrlEscapedSpellings() throws IOException {
        LeakMatcher special = new LeakMatcher(List.of("Pw&<\"quoted\"> x'9"));
        String[] lines = {
            "<value xsi:type=\"xsd:string\">Pw&amp;&lt;&quot;quoted&quot;&gt; x&apos;9</value>",
            "<value>Pw&#38;&#60;&#34;quoted&#34;&#62; x&#39;9</value>",
            "{\"password\":\"Pw&<\\\"quoted\\\"> x'9\"}",
            "GET /login?pw=Pw%26%3C%22quoted%22%3E+x%279",
            "GET /login?pw=Pw%26%3C%22quoted%22%3E%20x%279",
        };
        for (String line : lines) {
            assertThat(special.scan("log", new BufferedReader(new StringReader(line)))).as(line).isNotEmpty();
        }
    }

    @Test
    void cleanTextAndMaskedPasswordsPass() throws IOException {
        assertThat(scan("vim25 request Login: <password>***</password>\nPlanted-Pw-471 is not it\n")).isEmpty();
    }

    @Test
    void refusesPasswordsTooShortToSearchFor() {
        assertThatThrownBy(() -> new LeakMatcher(List.of("abc"))).hasMessageContaining("shorter than 8");
    }
}
