/** --bisect and --history: measuring over time (being built). */
import { UserError } from "../errors.ts";
import type { MeasureArgs, ParsedArgs, ReportArgs } from "../settings.ts";

export async function runOverTime(_args: ParsedArgs, _options: MeasureArgs, _report: ReportArgs, tool: string): Promise<number> {
  throw new UserError(`${tool}: --bisect and --history are not available in this build`);
}
