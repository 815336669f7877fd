package dev.testvm.bench;

import java.util.Map;
import java.util.TreeMap;

/** Sums of Prometheus text-format samples by metric name (all label sets added up). */
final class PrometheusText {

    private PrometheusText() {}

    static Map<String, Double> sumsByName(String text) {
        Map<String, Double> sums = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = indexOfAny(line, '{', ' ');
            int valueStart = line.lastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= nameEnd) {
                continue;
            }
            try {
                sums.merge(line.substring(0, nameEnd), Double.parseDouble(line.substring(valueStart + 1)), Double::sum);
            } catch (NumberFormatException ignored) {
                // NaN and friends are not summed
            }
        }
        return sums;
    }

    /** {@code after - before} for every name of {@code after} (a missing {@code before} counts as 0). */
    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new TreeMap<>();
        after.forEach((name, value) -> delta.put(name, value - before.getOrDefault(name, 0.0)));
        return delta;
    }

    private static int indexOfAny(String line, char a, char b) {
        int i = line.indexOf(a);
        int j = line.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
