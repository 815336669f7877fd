package dev.testvm.discovery;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Turns a downloaded output file into text. */
final class GuestOutput {

    private static final int FIRST_LINE_MAX = 200;

    private GuestOutput() {}

    /**
     * Linux writes UTF-8; cmd redirection writes the OEM code page (CP850 on a German or French
     * Windows), which is not UTF-8 as soon as a label has an accent. Addresses are ASCII in every
     * encoding, so for anything that is not valid UTF-8 a lossless single-byte decoding is enough.
     */
    static String decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** The first non-blank line, trimmed and shortened for a condition message; "" if none. */
    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                return trimmed.length() > FIRST_LINE_MAX ? trimmed.substring(0, FIRST_LINE_MAX) + "…" : trimmed;
            }
        }
        return "";
    }

    /** The last non-blank line, trimmed and shortened like {@link #firstLine}; "" if none. */
    static String lastLine(String text) {
        if (text == null) {
            return "";
        }
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String trimmed = lines[i].strip();
            if (!trimmed.isEmpty()) {
                return trimmed.length() > FIRST_LINE_MAX ? trimmed.substring(0, FIRST_LINE_MAX) + "…" : trimmed;
            }
        }
        return "";
    }
}
