package dev.testvm.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One spelling per inventory path, so that a rule and a TestVM cannot disagree about where a path
 * leads. The normalized path is also what the operator sends to vCenter: what was checked is what
 * is used.
 *
 * <p>Normal form: names joined by single slashes, no leading or trailing slash, whitespace
 * around each name stripped (as the operator always stripped the TestVM's paths). Empty names (duplicate, leading or trailing slashes) are dropped, as
 * vCenter's FindByInventoryPath does. The names {@code .} and {@code ..} are refused: vCenter has
 * no such navigation, so they could only be someone trying a different spelling. Names are never
 * decoded: a slash inside a vCenter name is written {@code %2f} and stays part of that one name,
 * so it cannot open a way out of a prefix. Case is kept and compared exactly: the simulator
 * (govmomi's FindChild) matches names exactly, and should a vCenter match a name in another case,
 * a path spelled differently from its rule is refused, never let through.
 */
public final class InventoryPath {

    private InventoryPath() {}

    /** The names of {@code path}, or empty with a reason if it has a {@code .} or {@code ..} name or none. */
    public static Result names(String path) {
        if (path == null || path.isBlank()) {
            return Result.refused("is empty");
        }
        List<String> names = new ArrayList<>();
        for (String raw : path.split("/")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals(".") || name.equals("..")) {
                return Result.refused("contains '" + name + "', which inventory paths do not have");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            return Result.refused("names nothing");
        }
        return new Result(List.copyOf(names), null);
    }

    /** The normalized path, or empty if it cannot be normalized (see {@link #names}). */
    public static Optional<String> normalize(String path) {
        Result result = names(path);
        return result.ok() ? Optional.of(String.join("/", result.names())) : Optional.empty();
    }

    /** Names of a path, or why it has none. */
    public record Result(List<String> names, String problem) {

        static Result refused(String problem) {
            return new Result(List.of(), problem);
        }

        public boolean ok() {
            return problem == null;
        }
    }
}
