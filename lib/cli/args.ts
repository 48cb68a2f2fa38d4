/**
 * A small strict command-line parser, after the age CLI's conventions:
 * `-x VALUE`, `-xVALUE`, `--name VALUE`, `--name=VALUE`, grouped boolean
 * short flags (`-aq`), `--` to end flags, and `-` as an ordinary argument
 * (stdin or stdout). Unknown flags, missing values, a single-use flag given
 * twice and surplus arguments are all ERR_USAGE, never silently ignored.
 */
import { UsageError } from '../errors.js';
import { withHint } from './report.js';

/** One flag a command accepts. */
export interface FlagSpec {
  /** Long name, without the dashes. */
  name: string;
  /** One-letter short name, without the dash. */
  short?: string;
  /** Placeholder for the value, such as `FILE`; absent for a boolean flag. */
  value?: string;
  /** May be given more than once; every value is kept in order. */
  repeatable?: boolean;
  help: string;
}

/** What a command accepts and how its help reads. */
export interface CommandSpec {
  /** Words after `cardseal`, such as `encrypt` or `card create`. */
  name: string;
  /** The usage line after `cardseal`. */
  usage: string;
  summary: string;
  flags: FlagSpec[];
  /** Most positional arguments accepted. */
  maxArgs: number;
  /** Extra help text: what the arguments mean, examples. */
  details?: string;
}

/** The parsed command line. Values of each flag are in order; booleans hold `['']`. */
export interface ParsedArgs {
  flags: Map<string, string[]>;
  args: string[];
  help: boolean;
}

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', help: 'show this help' };

function usageError(spec: CommandSpec, message: string): UsageError {
  return withHint(new UsageError('ERR_USAGE', message), `run "cardseal ${spec.name} --help" for usage`);
}

/**
 * Parses `argv` (the words after the command name) against `spec`.
 * @throws UsageError ERR_USAGE
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const args: string[] = [];
  let help = false;
  const byLong = new Map(spec.flags.map((f) => [f.name, f]));
  const byShort = new Map(spec.flags.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));

  const record = (flag: FlagSpec, value: string, shown: string): void => {
    const values = flags.get(flag.name) ?? [];
    if (values.length > 0 && flag.repeatable !== true) throw usageError(spec, `flag ${shown} given more than once`);
    values.push(value);
    flags.set(flag.name, values);
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const takeValue = (flag: FlagSpec, shown: string): string => {
      if (i + 1 >= argv.length) throw usageError(spec, `flag ${shown} needs a value (${flag.value})`);
      return argv[++i]!;
    };
    if (word === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq === -1 ? undefined : eq);
      if (name === HELP_FLAG.name && eq === -1) {
        help = true;
        continue;
      }
      const flag = byLong.get(name);
      if (flag === undefined) throw usageError(spec, `unknown flag --${name}`);
      if (flag.value === undefined) {
        if (eq !== -1) throw usageError(spec, `flag --${name} takes no value`);
        record(flag, '', `--${name}`);
      } else {
        record(flag, eq === -1 ? takeValue(flag, `--${name}`) : word.slice(eq + 1), `--${name}`);
      }
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        if (letter === HELP_FLAG.short) {
          help = true;
          continue;
        }
        const flag = byShort.get(letter);
        if (flag === undefined) throw usageError(spec, `unknown flag -${letter}`);
        if (flag.value === undefined) {
          record(flag, '', `-${letter}`);
          continue;
        }
        // The rest of the word is the value (-oFILE), or else the next word is (-o FILE).
        record(flag, j + 1 < word.length ? word.slice(j + 1) : takeValue(flag, `-${letter}`), `-${letter}`);
        break;
      }
      continue;
    }
    args.push(word);
  }
  if (!help && args.length > spec.maxArgs) {
    const surplus = args.slice(spec.maxArgs).join(' ');
    throw usageError(spec, spec.maxArgs === 0 ? `unexpected argument: ${surplus}` : `too many arguments: ${surplus}`);
  }
  return { flags, args, help };
}

/** The values given for a repeatable flag, possibly none. */
export function flagValues(parsed: ParsedArgs, name: string): string[] {
  return parsed.flags.get(name) ?? [];
}

/** The value of a single-use flag, or undefined. */
export function flagValue(parsed: ParsedArgs, name: string): string | undefined {
  return parsed.flags.get(name)?.[0];
}

/** Whether a boolean flag was given. */
export function hasFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags.has(name);
}

/** The help text of a command, generated from its spec. */
export function formatHelp(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((f) => {
    const names = [f.short === undefined ? undefined : `-${f.short}`, `--${f.name}`].filter((n) => n !== undefined).join(', ');
    const shown = f.value === undefined ? names : `${names} ${f.value}`;
    return [shown + (f.repeatable === true ? ' (repeatable)' : ''), f.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [`Usage: cardseal ${spec.usage}`, '', spec.summary, '', 'Flags:', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)];
  if (spec.details !== undefined) lines.push('', spec.details.trimEnd());
  return `${lines.join('\n')}\n`;
}
