package dev.testvm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void namesTheClassesThatGrewMostByBytes() throws Exception {
        LiveHeap idle = LiveHeap.parse("""
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          10           1000  [B (java.base@17)
                   2:           5            500  java.lang.String (java.base@17)
                Total          15           1500
                """);
        LiveHeap after = LiveHeap.parse("""
                   1:          20           5096  java.util.HashMap$Node (java.base@17)
                   2:          12           2024  [B (java.base@17)
                   3:           4            400  java.lang.String (java.base@17)
                Total          36           7520
                """);
        assertEquals(7520, after.total());
        assertEquals("java.util.HashMap$Node +5.0 KiB (+20); [B +1.0 KiB (+2)", after.topGrowers(idle, 5));
    }
}
