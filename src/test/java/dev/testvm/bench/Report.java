package dev.testvm.bench;

/** The benchmark's printed report: markdown headings, lines and "figure vs target" rows. */
final class Report {

    private final StringBuilder text = new StringBuilder();

    void heading(String title) {
        text.append(System.lineSeparator()).append("## ").append(title).append(System.lineSeparator()).append(System.lineSeparator());
        ScaleBenchmark.say("## " + title);
    }

    void line(String line) {
        text.append(line).append(System.lineSeparator());
        ScaleBenchmark.say(line);
    }

    void figure(String what, String measured, String target, boolean met) {
        line("- " + what + ": " + measured + " (target " + target + ") -> " + (met ? "met" : "MISSED"));
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
