/**
 * Errors the user can act on. Entry scripts print `message` as one line and exit with
 * `exitCode`; anything else escaping is a bug, and still gets one line, not a stack.
 *
 * Exit codes across the three tools: 0 ok, 1 a regression / failed budget / failed
 * measurement, 2 usage or input error.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** Strips terminal control sequences so names from input files print harmlessly. */
export function printable(text: string): string {
  // ESC/CSI sequences first, then any remaining C0/C1 control characters except tab.
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\u001b[\]P^_][^\u0007\u001b]*(\u0007|\u001b\\)?/g, "")
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, "?");
}

/**
 * Runs an entry script's main function: a UserError prints one line and its exit code,
 * an unexpected error prints one line too (the stack only with COLDSTART_DEBUG=1).
 */
export async function runMain(tool: string, main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    // A signal that arrived while a synchronous step blocked its handler runs first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { interrupted, interruptExitCode, StoppedBySignal } = await import("./process.ts");
    if (error instanceof StoppedBySignal || interrupted()) {
      if (error instanceof StoppedBySignal) console.error(`${tool}: ${error.signal}: stopped`);
      process.exit(error instanceof StoppedBySignal ? error.exitCode : interruptExitCode());
    }
    if ((error as { code?: unknown } | null)?.code === "EPIPE") {
      // The reader went away (`… --output - | head`): stop quietly, as a tool killed by SIGPIPE does.
      process.exit(141);
    }
    if (error instanceof UserError) {
      console.error(`${tool}: error: ${printable(error.message)}`);
      code = error.exitCode;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`${tool}: internal error: ${printable(message)}`);
      if (process.env.COLDSTART_DEBUG && error instanceof Error) console.error(error.stack);
      code = 2;
    }
  }
  // A signal arrived while the run was ending: its handler (process.ts, which set exitCode)
  // is killing what runs and cleaning up, and exits with the signal's code when done.
  if (process.exitCode !== undefined && process.exitCode !== 0) return new Promise<never>(() => {});
  process.exit(code);
}
