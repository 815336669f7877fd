package dev.testvm.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class LiveHeapTest {
    /** Kept reachable during the measurement so the live heap must include it. */
    private static byte[] ballast;

    @Test
    void measuresWhatIsReachableInARunningJvm() throws Exception {
        long pid = ProcessHandle.current().pid();
        long before = LiveHeap.bytes(pid);
        ballast = new byte[32 * 1024 * 1024];
        long with = LiveHeap.bytes(pid);
        ballast = null;
        assertTrue(with - before >= 30L * 1024 * 1024, "32 MiB kept reachable must show: before " + before + ", with " + with);
    }

    @Test
    void refusesOutputWithoutATotal() {
        assertThrows(IOException.class, () -> LiveHeap.total("1234: Unable to open socket file"));
    }
}
