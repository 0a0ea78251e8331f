/**
 * Every coldstart command in the README and docs/ is one the tool accepts: its options
 * exist and their values are valid (test/e2e/docs-commands.test.ts runs them).
 */
import { expect, test } from "bun:test";
import { UserError } from "../../scripts/lib/errors.ts";
import { parseToolArgs } from "../../scripts/lib/options.ts";
import { docCommands } from "../support/doc-commands.ts";

const commands = docCommands();

test("the docs show commands of every tool", () => {
  expect(new Set(commands.map((command) => command.tool))).toEqual(new Set(["test", "bench", "compare"]));
  expect(commands.length).toBeGreaterThan(15);
});

test.each(commands.map((command) => [command.where, command] as const))("%s parses", (_, command) => {
  let problem: string | null = null;
  try {
    parseToolArgs(command.args, command.tool, `coldstart-${command.tool}`, "/");
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problem = error.message;
  }
  expect({ command: command.text, problem }).toEqual({ command: command.text, problem: null });
});
