package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Issue 16: help text wraps at spaces, never inside a path or a key, and stays within its width. */
class SpaceWrappingHelpTest {
    /** A path or a dotted key: {@code ../shared/data/x.csv}, {@code processing.guarantee}. */
    private static final Pattern PATH_OR_KEY = Pattern.compile("(?:\\.\\.?/)?[A-Za-z0-9_]+(?:[./][A-Za-z0-9_*-]+)+");

    @Test
    void shouldKeepEveryPathAndKeyOfEveryCommandOnOneLine() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (CommandLine c : all(ChainplanCommand.commandLine())) {
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            int width = c.getCommandSpec().usageMessage().width();
            for (String line : help.split("\n")) {
                assertThat(line.length()).as("a line of %s's help", c.getCommandName()).isLessThanOrEqualTo(width);
            }
            for (String token : tokens(c.getCommandSpec())) {
                checked++;
                if (!help.contains(token)) {
                    broken.add(c.getCommandSpec().qualifiedName() + ": " + token);
                }
            }
        }
        assertThat(checked).as("paths and keys in the help texts").isGreaterThan(50);
        assertThat(broken).as("paths and keys split across lines").isEmpty();
    }

    @Test
    void shouldKeepTheSharedDataPathWhole() {
        String help = ChainplanCommand.commandLine().getSubcommands().get("local")
                .getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help).contains("../shared/data/azure-llm-2023-code.csv");
    }

    private static List<String> tokens(CommandSpec spec) {
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        for (OptionSpec o : spec.options()) {
            texts.addAll(List.of(o.description()));
        }
        List<String> out = new ArrayList<>();
        for (String t : texts) {
            if (t.contains("${") || t.contains("%")) {
                continue;
            }
            Matcher m = PATH_OR_KEY.matcher(t);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> out = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) {
            out.addAll(all(sub));
        }
        return out;
    }
}
