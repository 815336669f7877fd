package dev.testvm.policy;

import java.util.List;

/**
 * An allowed-path rule: an inventory path (it and everything below it) or a glob, in which
 * {@code *} matches any part of one name and {@code **} any number of whole names. Matched name by
 * name on normalized paths (see {@link InventoryPath}), so {@code DC0/vm/team-a} never matches
 * {@code DC0/vm/team-ab}.
 */
public final class PathGlob {

    private final String rule;
    private final List<String> pattern;

    private PathGlob(String rule, List<String> pattern) {
        this.rule = rule;
        this.pattern = pattern;
    }

    /** The rule as the VCenter spells it; a rule that cannot be normalized matches nothing. */
    public static PathGlob of(String rule) {
        InventoryPath.Result names = InventoryPath.names(rule);
        List<String> pattern = names.ok() ? names.names() : null;
        if (pattern != null && !hasWildcard(pattern)) {
            pattern = append(pattern, "**");
        }
        return new PathGlob(rule, pattern);
    }

    public String rule() {
        return rule;
    }

    /** Whether the normalized {@code names} of a path are allowed by this rule. */
    public boolean matches(List<String> names) {
        return pattern != null && matches(pattern, 0, names, 0);
    }

    private static boolean matches(List<String> pattern, int p, List<String> names, int n) {
        if (p == pattern.size()) {
            return n == names.size();
        }
        String part = pattern.get(p);
        if (part.equals("**")) {
            for (int skip = n; skip <= names.size(); skip++) {
                if (matches(pattern, p + 1, names, skip)) {
                    return true;
                }
            }
            return false;
        }
        return n < names.size() && nameMatches(part, names.get(n)) && matches(pattern, p + 1, names, n + 1);
    }

    /** {@code *} in one name: any run of characters; everything else literally, case included. */
    static boolean nameMatches(String part, String name) {
        if (!part.contains("*")) {
            return part.equals(name);
        }
        String[] pieces = part.split("\\*", -1);
        if (!name.startsWith(pieces[0])) {
            return false;
        }
        int at = pieces[0].length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = name.indexOf(pieces[i], at);
            if (found < 0) {
                return false;
            }
            at = found + pieces[i].length();
        }
        String last = pieces[pieces.length - 1];
        return name.length() - at >= last.length() && name.endsWith(last);
    }

    private static boolean hasWildcard(List<String> names) {
        return names.stream().anyMatch(n -> n.contains("*"));
    }

    private static List<String> append(List<String> names, String last) {
        List<String> copy = new java.util.ArrayList<>(names);
        copy.add(last);
        return List.copyOf(copy);
    }
}
