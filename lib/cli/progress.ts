/**
 * The progress bar: bytes done, percentage, rate and ETA, redrawn in place on
 * stderr. It is shown only to a person watching: stderr is a terminal, the
 * input size is known and larger than a few MB, `-q` was not given, and
 * neither CI nor a dumb terminal is set. It never writes to stdout.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { type ParsedArgs, hasFlag } from './args.js';
import type { Terminal } from './input.js';

/** Inputs smaller than this finish too fast for a bar to help. */
export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const REDRAW_MS = 200;
const BAR_CELLS = 24;

/** What decides whether to show progress. */
export interface ProgressConditions {
  quiet: boolean;
  total: number | undefined;
  stderr: { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** True when a progress bar should be drawn. */
export function shouldShowProgress(conditions: ProgressConditions): boolean {
  const { env } = conditions;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return (
    !conditions.quiet &&
    conditions.stderr.isTTY === true &&
    !ci &&
    env.TERM !== 'dumb' &&
    conditions.total !== undefined &&
    conditions.total >= PROGRESS_MIN_BYTES
  );
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** One line of the bar for `done` of `total` bytes after `elapsedMs`. */
export function renderProgress(done: number, total: number, elapsedMs: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_CELLS);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}] ${percent} ${formatBytes(done)} / ${formatBytes(total)}  ${formatBytes(rate)}/s  ETA ${formatDuration(eta)}`;
}

/** The bar on stderr: redrawn every {@link REDRAW_MS} ms and on demand, cleared when stopped. */
export class ProgressBar {
  readonly #total: number;
  readonly #stderr: NodeJS.WritableStream;
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #done = 0;
  #stopped = false;

  constructor(total: number, stderr: NodeJS.WritableStream) {
    this.#total = total;
    this.#stderr = stderr;
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
    // The bar must never keep the process alive on its own.
    this.#timer.unref();
  }

  /** Sets the bytes done; the next redraw shows them. */
  update(done: number): void {
    this.#done = done;
  }

  /** Draws the final state, then clears the line so the next prompt or message starts clean. */
  stop(): void {
    if (this.#stopped) return;
    this.#draw();
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#stderr.write('\r\x1b[K');
  }

  #draw(): void {
    this.#stderr.write(`\r${renderProgress(this.#done, this.#total, Date.now() - this.#started)}\x1b[K`);
  }
}

/** A bar for a command's input of `total` bytes when one is due ({@link shouldShowProgress}), else undefined. */
export function progressBarFor(parsed: ParsedArgs, terminal: Terminal, total: number | undefined): ProgressBar | undefined {
  const show = shouldShowProgress({ quiet: hasFlag(parsed, 'quiet'), total, stderr: terminal.stderr, env: terminal.env });
  return show ? new ProgressBar(total!, terminal.stderr) : undefined;
}

/** A pass-through Transform that counts bytes into a {@link ProgressBar}. */
export class ProgressMeter extends Transform {
  readonly #bar: ProgressBar;
  #done = 0;

  constructor(bar: ProgressBar) {
    super();
    this.#bar = bar;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#done += chunk.length;
    this.#bar.update(this.#done);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#bar.stop();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#bar.stop();
    callback(error);
  }
}
