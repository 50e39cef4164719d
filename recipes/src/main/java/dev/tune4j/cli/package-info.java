/** The {@code tune4j} command line: one picocli command class per subcommand. */
package dev.tune4j.cli;
