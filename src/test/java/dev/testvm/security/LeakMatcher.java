package dev.testvm.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds passwords in text: as they are, and base64-encoded (standard and URL alphabet) at any of
 * the three byte alignments a password can have inside a longer encoded value, e.g. a
 * {@code user:password} basic-auth header or a Secret's data.
 */
final class LeakMatcher {

    /** Shorter passwords would match by chance; tests must use longer ones. */
    static final int MIN_PASSWORD_LENGTH = 8;

    /** Where a password showed up; {@link #hint} names it without repeating it. */
    record Leak(String source, long line, String form, String hint) {
        @Override
        public String toString() {
            return source + ":" + line + " holds test password " + hint + " (" + form + ")";
        }
    }

    private record Needle(String text, String form, String hint) {}

    private final List<Needle> needles = new ArrayList<>();

    LeakMatcher(Collection<String> passwords) {
        for (String password : passwords) {
            if (password.length() < MIN_PASSWORD_LENGTH) {
                throw new IllegalArgumentException("test password '" + hint(password) + "' is shorter than "
                        + MIN_PASSWORD_LENGTH + " characters; the leak audit cannot tell it from chance text");
            }
            String hint = hint(password);
            needles.add(new Needle(password, "plain", hint));
            encodedForms(password).forEach((text, form) -> needles.add(new Needle(text, form, hint)));
        }
    }

    /** The base64 characters that depend only on the password's bytes, for each alignment. */
    static Map<String, String> encodedForms(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        for (int skip = 0; skip < 3; skip++) {
            int whole = (bytes.length - skip) / 3 * 3;
            if (whole < 6) {
                continue; // fewer than 8 encoded characters: too short to mean anything
            }
            byte[] aligned = Arrays.copyOfRange(bytes, skip, skip + whole);
            String standard = Base64.getEncoder().encodeToString(aligned);
            forms.put(standard, "base64, from byte " + skip);
            // differs only where the standard alphabet has '+', '/' or padding
            forms.putIfAbsent(Base64.getUrlEncoder().withoutPadding().encodeToString(aligned), "base64url, from byte " + skip);
        }
        return forms;
    }

    private static String hint(String password) {
        return "'" + password.substring(0, Math.min(3, password.length())) + "...' (" + password.length() + " chars)";
    }

    List<Leak> scan(String source, BufferedReader lines) throws IOException {
        List<Leak> leaks = new ArrayList<>();
        String line;
        long number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            for (Needle needle : needles) {
                if (line.contains(needle.text())) {
                    leaks.add(new Leak(source, number, needle.form(), needle.hint()));
                }
            }
        }
        return leaks;
    }
}
