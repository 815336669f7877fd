package dev.testvm.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's top-level packages ({@code dev.testvm.api}, {@code reconciler}, {@code config}, ...,
 * each with its sub-packages, except that the reconciler's and vsphere's sub-packages count each on
 * their own) depend on each other without cycles, read from the sources' imports
 * (a same-package reference needs no import, so only cross-package edges are counted, which are
 * the ones that matter here).
 */
class PackageCyclesTest {

    /** A top-level package, except that the reconciler's and vsphere's sub-packages count each on their own. */
    private static final String UNIT = "((?:reconciler|vsphere)\\.[a-z]\\w*|\\w+)";
    /** vsphere's sub-packages bottom up, as docs/architecture.md and docs/vsphere-client.md list them. */
    private static final List<String> VSPHERE_LAYERS = List.of("vsphere.fault", "vsphere.soap", "vsphere.types",
            "vsphere.methods", "vsphere.session", "vsphere.property", "vsphere.transfer", "vsphere.object", "vsphere.vim");
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.testvm\\." + UNIT + "[;.]", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.testvm\\." + UNIT + "\\.", Pattern.MULTILINE);

    @Test
    void topLevelPackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> uses = uses(Path.of("src/main/java/dev/testvm"));
        assertThat(uses).containsKeys("api", "reconciler", "config", "vsphere", "discovery");
        assertThat(uses.get("reconciler")).as("the composition root is used by nobody").doesNotContain("config");
        assertThat(uses).as("the reconciler's sub-packages").containsKeys("reconciler.steps", "reconciler.status", "reconciler.tasks");
        assertThat(uses).as("vsphere's sub-packages").containsKeys("vsphere.soap", "vsphere.methods", "vsphere.object",
                "vsphere.property", "vsphere.vim");
        assertThat(uses.get("vsphere")).as("the VCenter interface and its data types use none of their implementation")
                .noneMatch(target -> target.startsWith("vsphere."));
        for (int i = 0; i < VSPHERE_LAYERS.size(); i++) {
            String layer = VSPHERE_LAYERS.get(i);
            Set<String> before = Set.copyOf(VSPHERE_LAYERS.subList(0, i));
            assertThat(uses.getOrDefault(layer, Set.of())).as(layer + " uses only the vsphere layers before it")
                    .allMatch(target -> !target.startsWith("vsphere.") || before.contains(target));
        }
        assertThat(VSPHERE_LAYERS).as("every vsphere sub-package has its place in the layers")
                .containsAll(uses.keySet().stream().filter(p -> p.startsWith("vsphere.")).toList());
        uses.forEach((from, to) -> {
            if (!from.equals("config")) {
                assertThat(to).as(from + " must not use the reconciler that wires it").doesNotContain("reconciler");
            }
        });
        assertThat(cycles(uses)).isEmpty();
    }

    private static Map<String, Set<String>> uses(Path root) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String source = read(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find()) {
                    return;
                }
                Set<String> targets = uses.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(source);
                while (imported.find()) {
                    if (!imported.group(1).equals(pkg.group(1))) {
                        targets.add(imported.group(1));
                    }
                }
            });
        }
        return uses;
    }

    /** Each package that reaches itself, with the path it takes. */
    private static List<List<String>> cycles(Map<String, Set<String>> uses) {
        List<List<String>> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            findPath(start, start, uses, new ArrayList<>(List.of(start)), new HashSet<>(), cycles);
        }
        return cycles;
    }

    private static void findPath(String start, String at, Map<String, Set<String>> uses, List<String> path, Set<String> seen,
            List<List<String>> cycles) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                cycles.add(cycle);
            } else if (seen.add(next)) {
                path.add(next);
                findPath(start, next, uses, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
