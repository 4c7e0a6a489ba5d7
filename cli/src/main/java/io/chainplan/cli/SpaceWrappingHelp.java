package io.chainplan.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Usage help that wraps lines at spaces only. Picocli wraps with the JDK's line {@code BreakIterator},
 * which also breaks after {@code .} and {@code /}: {@code ../shared/data} came out as {@code ..} and
 * {@code /shared/data} on two lines, {@code processing.guarantee} as {@code processing.} and
 * {@code guarantee}, so a path or key copied from the help was wrong. Here the option descriptions, the
 * command list, the description, header and footer are wrapped word by word; a word longer than its
 * column is still split by picocli.
 */
final class SpaceWrappingHelp extends Help {
    /** Installs this help on a command line and all its subcommands. */
    static final CommandLine.IHelpFactory FACTORY = SpaceWrappingHelp::new;

    private SpaceWrappingHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        TextTable table = TextTable.forDefaultColumns(scheme, calcLongOptionColumnWidth(options, positionals, scheme),
                width());
        return new Layout(scheme, new Table(scheme, table), createDefaultOptionRenderer(),
                createDefaultParameterRenderer());
    }

    @Override
    public String description(Object... params) {
        return paragraphs(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String header(Object... params) {
        return paragraphs(commandSpec().usageMessage().header(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(commandSpec().usageMessage().footer(), params);
    }

    @Override
    public String commandList(Map<String, Help> subcommands) {
        if (subcommands.isEmpty()) {
            return "";
        }
        int nameWidth = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width() / 2);
        Table table = new Table(colorScheme(), TextTable.forColumns(colorScheme(),
                new Column(nameWidth + 2, 2, Column.Overflow.SPAN),
                new Column(width() - (nameWidth + 2), 2, Column.Overflow.WRAP)));
        for (Help help : subcommands.values()) {
            CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
            String first = usage.header().length > 0 ? usage.header()[0]
                    : usage.description().length > 0 ? usage.description()[0] : "";
            CommandLine.Help.Ansi.Text[] lines = colorScheme().text(String.format(first)).splitLines();
            for (int i = 0; i < lines.length; i++) {
                table.addRowValues(i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
            }
        }
        return table.toString();
    }

    private String paragraphs(String[] lines, Object... params) {
        if (lines == null || lines.length == 0) {
            return "";
        }
        Table table = new Table(colorScheme(), TextTable.forColumnWidths(colorScheme(), width()));
        table.indentWrappedLines = 0;
        for (String line : lines) {
            table.addRowValues(String.format(line, params));
        }
        return table.toString();
    }

    private int width() {
        return commandSpec().usageMessage().width();
    }

    /** A text table whose wrapping columns break lines at spaces only. */
    private static final class Table extends TextTable {
        private final ColorScheme scheme;

        Table(ColorScheme scheme, TextTable like) {
            super(scheme, like.columns());
            this.scheme = scheme;
            this.indentWrappedLines = like.indentWrappedLines;
        }

        @Override
        public Cell putValue(int row, int col, CommandLine.Help.Ansi.Text value) {
            Column column = columns()[col];
            if (column.overflow != Column.Overflow.WRAP || value == null) {
                return super.putValue(row, col, value);
            }
            String plain = value.plainString();
            Cell cell = new Cell(col, row);
            int indent = column.indent;
            int start = 0;
            while (start < plain.length()) {
                int end = lineEnd(plain, start, column.width - indent);
                if (start > 0) {
                    addEmptyRow();
                    row = cell.row + 1;
                }
                CommandLine.Help.Ansi.Text line = value.substring(start, end);
                if (indent > column.indent) {
                    line = scheme.text(" ".repeat(indent - column.indent)).concat(line);
                }
                cell = super.putValue(row, col, line);
                indent = column.indent + indentWrappedLines;
                start = end;
                while (start < plain.length() && plain.charAt(start) == ' ') {
                    start++;
                }
            }
            return cell;
        }

        /**
         * The end of the longest run of whole words from {@code start} that fits {@code room} characters, or of
         * the first word if even that does not fit.
         */
        private static int lineEnd(String plain, int start, int room) {
            if (plain.length() - start <= room) {
                return plain.length();
            }
            int end = -1;
            for (int i = start + 1; i <= Math.min(plain.length() - 1, start + room); i++) {
                if (plain.charAt(i) == ' ' && plain.charAt(i - 1) != ' ') {
                    end = i;
                }
            }
            if (end > 0) {
                return end;
            }
            int space = plain.indexOf(' ', start);
            return space < 0 ? plain.length() : space;
        }
    }
}
