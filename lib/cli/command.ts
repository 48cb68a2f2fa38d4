/**
 * What every command module exports, and the one way commands run a stream:
 * pipeline() from input to output, which destroys every stage when any fails
 * (so an atomic output file is discarded and an upload aborted).
 */
import type { Stream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CommandSpec, type ParsedArgs, flagValue } from './args.js';
import { type Input, type Terminal, openInput } from './input.js';
import { type Output, type OutputOptions, openOutput } from './output.js';
import { ProgressMeter, progressBarFor } from './progress.js';

/** A command: its flags and help, and what it does. */
export interface Command {
  spec: CommandSpec;
  run(parsed: ParsedArgs, terminal: Terminal): Promise<void>;
}

/** A command with subcommands, such as `card create`. */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: Record<string, Command>;
}

/** A pipeline stage: a stream, or an async generator function as pipeline() accepts. */
export type Stage = Stream | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>);

/** Streams through `stages` into `output`, then releases the output's interrupt cleanup. */
export async function streamTo(stages: Stage[], output: Output): Promise<void> {
  try {
    await (pipeline as (...streams: unknown[]) => Promise<void>)(...stages, output.stream);
  } finally {
    output.release();
  }
}

/** An opened IN and OUT: the first stages (input, progress bar when due) and the output. */
export interface Transfer {
  stages: Stage[];
  output: Output;
}

/**
 * Opens IN (the first argument) and then OUT (`-o`), in that order so a bad
 * input never leaves an output file behind; `optionsFor` sees the input (its
 * size) to choose the output options.
 * @throws FileError ERR_FILE; HttpError ERR_HTTP_*; UsageError ERR_OUTPUT_TERMINAL
 */
export async function openTransfer(parsed: ParsedArgs, terminal: Terminal, optionsFor: (input: Input) => OutputOptions): Promise<Transfer> {
  const input = await openInput(parsed.args[0], terminal);
  let output: Output;
  try {
    output = await openOutput(flagValue(parsed, 'output'), terminal, optionsFor(input));
  } catch (error) {
    // A download in flight would keep the process alive.
    input.stream.destroy();
    throw error;
  }
  const stages: Stage[] = [input.stream];
  const bar = progressBarFor(parsed, terminal, input.size);
  if (bar !== undefined) stages.push(new ProgressMeter(bar));
  return { stages, output };
}
