/**
 * Progress while measuring. In a terminal: a spinner line (tree, measurement, run k of n,
 * ETA) redrawn on stderr, with the seed's lines printed above it. Otherwise: only the
 * seed's plain lines, one per measurement, so CI logs stay readable.
 */
import { formatMs } from "./compare.ts";
import type { MeasureEvent } from "./measure.ts";
import type { Failure } from "./result.ts";

export interface Reporter {
  event(event: MeasureEvent): void;
  /** A plain line (seed-style output), printed above the spinner. */
  line(text: string): void;
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0s";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** A failed measurement for stderr: one line naming it, then the child's stderr tail, indented. */
export function describeFailure(tool: string, where: string, failure: Failure): string {
  const tail = failure.stderr_tail ? `${failure.stderr_tail.replace(/^/gm, "    ")}\n` : "";
  return `${tool}: ${where}: ${failure.message}\n${tail}`;
}

interface Streams {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown; isTTY?: boolean };
}

export function createReporter(options: { quiet: boolean; interactive?: boolean; streams?: Streams }): Reporter {
  const streams: Streams = options.streams ?? { out: process.stdout, err: process.stderr };
  const interactive = options.interactive ?? (Boolean(process.stderr.isTTY) && !process.env.CI);
  let status = "";
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let multiTree = false;

  const draw = () => {
    if (!interactive || !status) return;
    frame = (frame + 1) % FRAMES.length;
    streams.err.write(`\r\x1b[2K${FRAMES[frame]} ${status}`);
  };
  const clear = () => {
    if (interactive && status) streams.err.write("\r\x1b[2K");
  };
  const line = (text: string) => {
    if (options.quiet) return;
    clear();
    streams.out.write(`${text}\n`);
    draw();
  };

  return {
    line,
    event(event) {
      if (options.quiet) return;
      switch (event.kind) {
        case "measurement-start":
          line(`Measuring '${event.statement}'...`);
          break;
        case "phase":
          line(event.message);
          break;
        case "run":
          if (!interactive) return;
          timer ??= setInterval(draw, 100);
          status = `${event.tree} · ${event.name} · ${event.phase} run ${event.done}/${event.total} · ETA ${formatDuration(event.etaMs)}`;
          draw();
          break;
        case "measurement-done": {
          multiTree ||= event.trees.length > 1;
          for (const tree of event.trees) {
            const prefix = multiTree ? `  ${tree.label}: ` : "  ";
            if (tree.failure) line(`${prefix}FAILED: ${tree.failure.message}`);
            else if (tree.measurement) {
              const m = tree.measurement;
              line(`${prefix}Mean: ${formatMs(m.mean)}  (median ${formatMs(m.median)}, ±${formatMs(m.stddev ?? 0)}, n=${m.iterations})`);
            }
          }
          break;
        }
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      clear();
      status = "";
    },
  };
}
