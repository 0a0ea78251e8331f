/**
 * Progress while measuring. In a terminal: a spinner line (tree, measurement, run k of n,
 * ETA) redrawn on stderr, with the seed's lines printed above it. Otherwise: only the
 * seed's plain lines, one per measurement, so CI logs stay readable.
 */
import type { MeasureEvent } from "../measure/scheduler.ts";
import type { Failure } from "../result/schema.ts";
import { formatDuration } from "../quantities.ts";
import { formatMs, plural } from "./words.ts";

export interface Reporter {
  event(event: MeasureEvent): void;
  /** A plain line (seed-style output), printed above the spinner. */
  line(text: string): void;
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];


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
        case "noisy":
          line(Number.isFinite(event.couldDetectPct)
            ? `  noisy: a ${event.precisionPct}% change would not be detected yet (could detect ±${event.couldDetectPct.toFixed(1)}%); going on, up to ${event.maxIterations} runs`
            : `  too few runs to detect any change yet; going on, up to ${event.maxIterations} runs`);
          break;
        case "importtime-start":
          line(`Profiling imports (-X importtime, ${plural(event.runs, "run")} each)...`);
          break;
        case "count-start":
          line(`Counting instructions of '${event.name}' (${event.rounds} rounds, ${event.jobs} at a time, under the counter)...`);
          break;
        case "why-start":
          line("Finding who imports what, and the lines behind the time (one importers run and one profiled run each)...");
          break;
        case "message":
          line(event.text);
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
            else if (tree.stats) {
              const m = tree.stats;
              line(`${prefix}Mean: ${formatMs(m.mean)}  (median ${formatMs(m.median)}, ±${formatMs(m.stddev)}, n=${m.n})`);
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
