package dev.testvm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the real kubectl (the one kube-api-test uses) against the test API server. */
public final class Kubectl {

    public record Result(int exitCode, String output) {}

    private Kubectl() {}

    /** Runs {@code kubectl args...}, feeding {@code stdin} (may be null), and returns exit code and stdout+stderr. */
    public static Result run(String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.add("--kubeconfig=" + KubeApiServers.kubeConfigFile());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest kubectl under kube-api-test's binary directory. */
    public static Path binary() {
        String dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR", Path.of(System.getProperty("user.home"), ".kubeapitest").toString());
        try (Stream<Path> versions = Files.list(Path.of(dir, "k8s"))) {
            return versions.map(v -> v.resolve("kubectl")).filter(Files::isExecutable)
                    .max(Comparator.comparing(Path::toString))
                    .orElseThrow(() -> new IllegalStateException("no kubectl under " + dir + "/k8s: run hack/kube-binaries.sh"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
