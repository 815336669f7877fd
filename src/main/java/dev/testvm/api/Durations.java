package dev.testvm.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Go-style durations ({@code 90s}, {@code 1h30m}, {@code 250ms}) as used across Kubernetes APIs. */
public final class Durations {

    /** Also the CRD pattern: positive, unit-suffixed parts only, so "-5m" or "ten" are refused at apply. */
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    /**
     * Strings vCenter can carry: XML 1.0 has no control characters other than tab, LF and CR, and
     * no U+FFFE/U+FFFF (a SOAP request with one fails late, without naming the field).
     */
    public static final String XML_TEXT = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x{FFFE}\\x{FFFF}]*$";

    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private Durations() {}

    public static Duration parse(String text) {
        if (text == null || !text.matches(PATTERN)) {
            throw new IllegalArgumentException("not a duration like 90s, 10m or 1h30m: '" + text + "'");
        }
        Matcher m = PART.matcher(text);
        double millis = 0;
        while (m.find()) {
            double amount = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                default -> amount * 3_600_000;
            };
        }
        return Duration.ofMillis(Math.round(millis));
    }
}
