package dev.testvm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real helm, built from Go module sources by {@code hack/helm.sh} (cached: the script prints the
 * cached binary's path in milliseconds; the first call on a machine builds it).
 */
final class Helm {

    static final Path CHART = Path.of("charts", "testvm-operator").toAbsolutePath();

    /** stdout apart from stderr: {@code helm template} writes manifests to one and warnings to the other. */
    record Result(int exitCode, String stdout, String stderr) {
        String both() {
            return stdout + stderr;
        }
    }

    private static Path binary;

    private Helm() {}

    static synchronized Path binary() {
        if (binary == null) {
            Result built = exec(null, List.of("bash", "hack/helm.sh"));
            if (built.exitCode() != 0) {
                throw new IllegalStateException("hack/helm.sh failed: " + built.both());
            }
            binary = Path.of(built.stdout().strip());
        }
        return binary;
    }

    static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        return exec(null, command);
    }

    /** {@code helm template RELEASE charts/testvm-operator -n NAMESPACE --include-crds EXTRA...}; fails unless it succeeds. */
    static String template(String release, String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of("template", release, CHART.toString(), "--namespace", namespace, "--include-crds"));
        args.addAll(List.of(extra));
        Result result = run(args.toArray(String[]::new));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("helm " + String.join(" ", args) + " failed: " + result.both());
        }
        return result.stdout();
    }

    /** A values file with {@code yaml}, for options that --set spells badly (PEM text, lists). */
    static Path valuesFile(String yaml) {
        try {
            Path file = Files.createTempFile("testvm-chart-values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result exec(String stdin, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String stdout = read(process.getInputStream());
            // A guard against a hung child only; the builds it may run take minutes, not hours.
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            return new Result(process.exitValue(), stdout, stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
