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
public final class LeakMatcher {

    /** Shorter passwords would match by chance; tests must use longer ones. */
    static final int MIN_PASSWORD_LENGTH = 8;

    /** Where a password showed up; {@link #hint} names it without repeating it. */
    public record Leak(String source, long line, String form, String hint) {
        @Override
        public String toString() {
            return source + ":" + line + " holds test password " + hint + " (" + form + ")";
        }
    }

    private record Needle(String text, String form, String hint) {}

    private final List<Needle> needles = new ArrayList<>();

    public LeakMatcher(Collection<String> passwords) {
        for (String password : passwords) {
            if (password.length() < MIN_PASSWORD_LENGTH) {
                throw new IllegalArgumentException("test password '" + hint(password) + "' is shorter than "
                        + MIN_PASSWORD_LENGTH + " characters; the leak audit cannot tell it from chance text");
            }
            String hint = hint(password);
            needles.add(new Needle(password, "plain", hint));
            encodedForms(password).forEach((text, form) -> needles.add(new Needle(text, form, hint)));
            escapedForms(password).forEach((text, form) -> needles.add(new Needle(text, form, hint)));
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

    /**
     * The password as XML, JSON and URLs escape it, where that differs from the plain text: a log line
     * quoting a SOAP body, a JSON log record or a query string shows a password with {@code &}, quotes or
     * spaces only in its escaped spelling.
     */
    static Map<String, String> escapedForms(String password) {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put(xmlEscaped(password, false), "XML-escaped");
        forms.putIfAbsent(xmlEscaped(password, true), "XML-escaped, numeric references");
        forms.putIfAbsent(jsonEscaped(password), "JSON-escaped");
        forms.putIfAbsent(java.net.URLEncoder.encode(password, StandardCharsets.UTF_8), "URL-encoded");
        forms.putIfAbsent(java.net.URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"), "URL-encoded, %20");
        forms.remove(password);
        return forms;
    }

    private static String xmlEscaped(String text, boolean numeric) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            String named = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                default -> null;
            };
            out.append(named == null ? String.valueOf(c) : numeric ? "&#" + (int) c + ";" : named);
        }
        return out.toString();
    }

    private static String jsonEscaped(String text) {
        try {
            String quoted = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hint(String password) {
        return "'" + password.substring(0, Math.min(3, password.length())) + "...' (" + password.length() + " chars)";
    }

    public List<Leak> scan(String source, BufferedReader lines) throws IOException {
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
