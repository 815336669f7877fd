package dev.testvm.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator as a JVM of its own ({@link OperatorProcess}) that crash tests SIGKILL at seeded
 * random moments and start again. Register it as an extension (after the {@link EndToEnd} whose
 * simulator it uses): a JVM still running after a test is killed.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CrashingOperator OPERATOR = new CrashingOperator(SIM, NAMESPACE, Path.of("target", "x"), 3000);
 * ...
 * Random random = OPERATOR.seeded("crashSeed", "MyCrashTest");
 * OPERATOR.start();
 * OPERATOR.scheduleKill();
 * while (...) { OPERATOR.killAndRestartIfDue(MAX_KILLS); ... }
 * }</pre>
 */
public final class CrashingOperator implements AfterEachCallback {

    private static final int FIRST_KILL_MILLIS = 300;

    private final SimulatorExtension simulator;
    private final String namespace;
    private final Path logs;
    private final int killWithinMillis;
    private Duration startTimeout = Duration.ofSeconds(90);
    private OperatorProcess process;
    private int logNumber;
    private int starts;
    private int kills;
    private Random random;
    private long seed;
    private Instant killAt;

    /** Kills come 0.3 s to {@code killWithinMillis} ms after the operator (re)starts or {@link #scheduleKill()}. */
    public CrashingOperator(SimulatorExtension simulator, String namespace, Path logs, int killWithinMillis) {
        this.simulator = simulator;
        this.namespace = namespace;
        this.logs = logs;
        this.killWithinMillis = killWithinMillis;
    }

    public CrashingOperator startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /**
     * The test's random source: seeded from system property {@code property} (a replay) or the
     * clock, printed so that a failing run can be replayed. Also picks the kill moments.
     */
    public Random seeded(String property, String label) {
        seed = Long.getLong(property, System.nanoTime());
        System.out.println("[" + label + "] seed " + seed + " (replay with -D" + property + "=" + seed + ")");
        random = new Random(seed);
        return random;
    }

    /** Starts an operator JVM and waits until it is up; its log goes to the next numbered file. */
    public void start() {
        starts++;
        process = OperatorProcess.start(simulator.simulator(), namespace, logs.resolve("operator-" + (++logNumber) + ".log"), startTimeout);
    }

    /** Picks the next kill moment (call {@link #seeded} first). */
    public void scheduleKill() {
        if (random == null) {
            throw new IllegalStateException("seeded(...) picks the random source of the kill moments");
        }
        killAt = Instant.now().plusMillis(FIRST_KILL_MILLIS + random.nextInt(killWithinMillis - FIRST_KILL_MILLIS));
    }

    /** Whether a kill is due (fewer than {@code maxKills} so far and its moment passed). */
    public boolean killDue(int maxKills) {
        return kills < maxKills && killAt != null && Instant.now().isAfter(killAt);
    }

    /** SIGKILLs the operator, starts a new one and schedules the next kill. */
    public void killAndRestart() {
        process.kill();
        kills++;
        start();
        scheduleKill();
    }

    /** {@link #killAndRestart()} if {@link #killDue}; true if it killed. */
    public boolean killAndRestartIfDue(int maxKills) {
        if (!killDue(maxKills)) {
            return false;
        }
        killAndRestart();
        return true;
    }

    /** The seed {@link #seeded} chose (for failure messages). */
    public long seed() {
        return seed;
    }

    public int starts() {
        return starts;
    }

    public int kills() {
        return kills;
    }

    /** Polling pause of the crash loops. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (process != null) {
            process.kill();
            process = null;
        }
        killAt = null;
    }
}
