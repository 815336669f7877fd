package dev.testvm.vsphere.soap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads a response body up to a limit, streamed: at most {@code limit + 1} bytes are ever held,
 * and closing the stream early cancels the rest of the transfer.
 */
public final class BoundedBody {

    private BoundedBody() {}

    /** The whole body, or empty when it is longer than {@code limit} bytes (the stream is closed either way). */
    public static Optional<byte[]> read(InputStream body, int limit) throws IOException {
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(limit + 1);
            return bytes.length > limit ? Optional.empty() : Optional.of(bytes);
        }
    }
}
