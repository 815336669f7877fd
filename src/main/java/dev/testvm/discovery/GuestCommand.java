package dev.testvm.discovery;

import java.util.Objects;

/**
 * A program ready for {@code StartProgramInGuest}: it writes the user command's combined output
 * to {@code outputPath}, which is fetched and deleted once the program has exited; a null
 * {@code outputPath} means the program is run for its effect only and its exit code is all we read.
 */
public record GuestCommand(String programPath, String arguments, String outputPath) {

    public GuestCommand {
        Objects.requireNonNull(programPath, "programPath");
        Objects.requireNonNull(arguments, "arguments");
    }
}
