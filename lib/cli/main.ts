#!/usr/bin/env node
/**
 * The `cardseal` command: dispatch to one module per command, report any
 * failure as `error:` (and `hint:`) lines on stderr with exit status 1, and
 * exit 0 on success.
 */
import { readFileSync } from 'node:fs';
import { formatHelp, parseArgs } from './args.js';
import type { Command, CommandGroup } from './command.js';
import type { Terminal } from './input.js';
import { UsageError } from '../errors.js';
import { formatError, withHint } from './report.js';
import { installInterruptHandlers } from './signals.js';

/** A top-level command, loaded only when run: `--help` and `--version` stay fast, and so does each command. */
interface CommandEntry {
  summary: string;
  load(): Promise<Command | CommandGroup>;
}

const COMMANDS: Record<string, CommandEntry> = {
  keygen: { summary: 'Generate a key pair: write the private key file and print the public key.', load: async () => (await import('./commands/keygen.js')).keygen },
  encrypt: { summary: 'Encrypt to public keys, card files or directory identities.', load: async () => (await import('./commands/encrypt.js')).encrypt },
  decrypt: { summary: 'Decrypt a binary or armored file with a private key file.', load: async () => (await import('./commands/decrypt.js')).decrypt },
  inspect: { summary: 'Show what a file header says, without a key.', load: async () => (await import('./commands/inspect.js')).inspect },
  card: { summary: 'Create, show, publish, find and revoke cards.', load: async () => (await import('./commands/card.js')).card },
  directory: { summary: 'Run a card directory server.', load: async () => (await import('./commands/directory.js')).directory },
};

function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return 'commands' in entry;
}

/** The package version, from package.json three folders above this file (the build folder, lib, cli). */
function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function topHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: cardseal COMMAND [FLAGS] [ARGS]',
    '',
    'Streaming encryption to many recipients: public keys or verified cards.',
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`),
    '',
    'Run "cardseal COMMAND --help" for the flags of each command; "cardseal --version" for the version.',
    'IN and OUT default to stdin and stdout; "-" names them explicitly.',
    '',
  ].join('\n');
}

function groupHelp(group: CommandGroup): string {
  const names = Object.keys(group.commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `Usage: cardseal ${group.name} SUBCOMMAND [FLAGS] [ARGS]`,
    '',
    group.summary,
    '',
    'Subcommands:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${group.commands[name]!.spec.summary}`),
    '',
    `Run "cardseal ${group.name} SUBCOMMAND --help" for its flags.`,
    '',
  ].join('\n');
}

function unknown(what: string, name: string, help: string): UsageError {
  return withHint(new UsageError('ERR_USAGE', `unknown ${what} ${JSON.stringify(name)}`), `run "${help}" for the list`);
}

/** Finds the command `argv` names; returns it with the words after its name. */
async function resolveCommand(argv: string[], terminal: Terminal): Promise<{ command: Command; rest: string[] } | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    terminal.stderr.write(topHelp());
    throw withHint(new UsageError('ERR_USAGE', 'no command given'), 'run "cardseal --help"');
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    terminal.stdout.write(topHelp());
    return undefined;
  }
  if (first === '--version' || first === '-V') {
    terminal.stdout.write(`cardseal ${readVersion()}\n`);
    return undefined;
  }
  if (!Object.hasOwn(COMMANDS, first)) throw unknown('command', first, 'cardseal --help');
  const entry = await COMMANDS[first]!.load();
  if (!isGroup(entry)) return { command: entry, rest };
  const [sub, ...subRest] = rest;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? terminal.stderr : terminal.stdout).write(groupHelp(entry));
    if (sub === undefined) throw withHint(new UsageError('ERR_USAGE', `${first} needs a subcommand`), `run "cardseal ${first} --help"`);
    return undefined;
  }
  const command = Object.hasOwn(entry.commands, sub) ? entry.commands[sub] : undefined;
  if (command === undefined) throw unknown(`${first} subcommand`, sub, `cardseal ${first} --help`);
  return { command, rest: subRest };
}

async function main(argv: string[], terminal: Terminal): Promise<void> {
  const resolved = await resolveCommand(argv, terminal);
  if (resolved === undefined) return;
  const parsed = parseArgs(resolved.command.spec, resolved.rest);
  if (parsed.help) {
    terminal.stdout.write(formatHelp(resolved.command.spec));
    return;
  }
  await resolved.command.run(parsed, terminal);
}

const terminal: Terminal = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
installInterruptHandlers(terminal.stderr);
// Write failures on stdout (EPIPE) reach the command through its write callbacks.
terminal.stdout.on('error', () => {});
main(process.argv.slice(2), terminal).then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    terminal.stderr.write(formatError(error));
    // Exit now: an aborted transfer or a half-read stdin must not keep the process alive.
    process.exit(1);
  },
);
