package dev.testvm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hack/kube-binaries.sh} takes the fastest way that works: installed binaries, else the
 * archive kube-api-test downloads, else the source build. Run on an empty install root, with a
 * {@code go} that only records how it was called (so no test builds Kubernetes) and the download
 * pointed at this machine.
 */
class KubeBinariesScriptTest {

    private static final String VERSION = "v1.34.4";

    @TempDir
    Path dir;

    @Test
    void unreachableDownloadFallsBackToTheSourceBuildAndSaysHowLongItTakes() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        } // closed now: connections are refused, as a missing network refuses them

        Helm.Result run = script(Map.of("KUBE_BINARIES_DOWNLOAD_URL", "http://127.0.0.1:" + closedPort + "/envtest.tar.gz"));

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(7); // our go's exit code: it was the build that failed
        assertThat(run.stderr())
                .contains("downloading Kubernetes " + VERSION + " test binaries")
                .containsPattern("download failed after \\d+s: curl: \\(7\\)")
                .containsPattern("building etcd, kube-apiserver and kubectl from source: about \\d+ minutes on 2 cores");
        assertThat(goCalls()).anyMatch(call -> call.startsWith("build "));
        assertThat(dir.resolve("root/k8s/1.34.4-linux-amd64")).doesNotExist();
    }

    @Test
    void downloadedArchiveIsInstalledWhereKubeApiTestLooksAndUsedFromThenOn() throws Exception {
        Path archive = envtestArchive();
        AtomicInteger downloads = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/envtest.tar.gz", exchange -> {
            downloads.incrementAndGet();
            byte[] body = Files.readAllBytes(archive);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> env = Map.of("KUBE_BINARIES_DOWNLOAD_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/envtest.tar.gz");
            Helm.Result first = script(env);
            assertThat(first.exitCode()).as(first.stderr()).isZero();
            Path installed = dir.resolve("root/k8s/1.34.4-linux-amd64");
            assertThat(first.stdout().strip()).isEqualTo(installed.toString());
            assertThat(first.stderr()).contains("downloaded in").contains("installed Kubernetes " + VERSION);
            assertThat(installed.resolve("kube-apiserver")).isExecutable();
            assertThat(installed.resolve("etcd")).isExecutable();
            assertThat(installed.resolve("kubectl")).isExecutable();
            assertThat(Files.readString(installed.resolve(".origin"))).startsWith("download http://127.0.0.1:");

            Helm.Result second = script(env);
            assertThat(second.exitCode()).as(second.stderr()).isZero();
            assertThat(second.stderr()).contains("up to date");
            assertThat(downloads).hasValue(1);
            assertThat(goCalls()).as("go is never needed when the download works").isEmpty();
        } finally {
            server.stop(0);
        }
    }

    /** The script's URL is the one in kube-api-test's own downloader (a constant of the jar on our class path). */
    @Test
    void downloadsWhatKubeApiTestDownloads() throws IOException {
        String script = Files.readString(Path.of("hack", "kube-binaries.sh"));
        String template = "https://github.com/kubernetes-sigs/controller-tools/releases/download/envtest-${kube_version}/envtest-${kube_version}-$os-$arch.tar.gz";
        assertThat(script).contains("envtest_url=\"" + template + "\"");
        // javac's string-concatenation recipe: \u0001 where an argument goes; ours has "v" in kube_version.
        String recipe = template.replace("${kube_version}", "v\u0001").replace("$os", "\u0001").replace("$arch", "\u0001");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("io/fabric8/kubeapitest/binary/repo/BinaryRepo.class")) {
            assertThat(in).as("kube-api-test's BinaryRepo on the class path").isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).contains(recipe);
        }
    }

    private Helm.Result script(Map<String, String> env) throws IOException {
        Path go = dir.resolve("go");
        if (!Files.exists(go)) {
            // Records its arguments; answers `go env GOMODCACHE`; fails everything else with 7.
            Files.writeString(go, """
                    #!/bin/sh
                    echo "$*" >> "$(dirname "$0")/go-calls"
                    [ "$1" = env ] && echo /nonexistent && exit 0
                    exit 7
                    """);
            Files.setPosixFilePermissions(go, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> command = new ArrayList<>(List.of("env", "KUBE_API_TEST_DIR=" + dir.resolve("root"), "GO=" + go));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("bash", "hack/kube-binaries.sh"));
        return Helm.exec(null, command);
    }

    private List<String> goCalls() throws IOException {
        Path calls = dir.resolve("go-calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** The layout of an envtest release archive, with programs that report the pinned versions. */
    private Path envtestArchive() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("archive/controller-tools/envtest"));
        Map<String, String> versions = Map.of(
                "kube-apiserver", "Kubernetes " + VERSION,
                "kubectl", "Client Version: " + VERSION,
                "etcd", "etcd Version: 3.6.4");
        for (var entry : versions.entrySet()) {
            Path program = bin.resolve(entry.getKey());
            Files.writeString(program, "#!/bin/sh\necho '" + entry.getValue() + "'\n");
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path archive = dir.resolve("envtest.tar.gz");
        Helm.Result tar = Helm.exec(null, List.of("tar", "-czf", archive.toString(), "-C", dir.resolve("archive").toString(), "controller-tools"));
        assertThat(tar.exitCode()).as(tar.stderr()).isZero();
        return archive;
    }
}
