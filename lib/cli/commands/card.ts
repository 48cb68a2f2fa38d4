/**
 * `cardseal card create|show|publish|find|revoke`: the card lifecycle
 * (spec/directory.md) against a card directory: `--directory URL` (or a local
 * folder), else $CARDSEAL_DIRECTORY, else the embedded local directory in the
 * user's config folder. Every card shown or found has been verified.
 */
import { Readable } from 'node:stream';
import { type Card, createCard, importCard, verifyCard } from '../../cards/card.js';
import { isValidIdentity } from '../../cards/identity.js';
import type { CardDirectory } from '../../directory/directory.js';
import { CardError, UsageError } from '../../errors.js';
import { type ParsedArgs, flagValue, hasFlag } from '../args.js';
import { type Command, type CommandGroup, streamTo } from '../command.js';
import { directoryLocation, withCardDirectory } from '../directory-location.js';
import { DIRECTORY_FLAG, PASSPHRASE_FILE_FLAG } from '../flags.js';
import { readIdentity } from '../identities.js';
import { type Terminal, isStdio } from '../input.js';
import { openOutput } from '../output.js';
import type { PassphraseSources } from '../passphrase.js';
import { readCardFile } from '../recipients.js';
import { withHint } from '../report.js';

const MANY = 1000;

function withDirectory<T>(parsed: ParsedArgs, terminal: Terminal, use: (directory: CardDirectory) => Promise<T>): Promise<T> {
  return withCardDirectory(directoryLocation(flagValue(parsed, 'directory'), terminal.env), use);
}

function passphraseSources(parsed: ParsedArgs, terminal: Terminal): PassphraseSources {
  return { file: flagValue(parsed, 'passphrase-file'), env: terminal.env, stderr: terminal.stderr };
}

/** A card from a file, or from stdin for `-` or no file. */
async function readCardArgument(path: string | undefined, terminal: Terminal): Promise<Card> {
  if (!isStdio(path)) return readCardFile(path!);
  const parts: Buffer[] = [];
  for await (const part of terminal.stdin) parts.push(part as Buffer);
  return importCard(Buffer.concat(parts).toString('utf8').trim());
}

/** The card to act on: `--id` from the directory, else a card file (or stdin). */
async function cardToActOn(parsed: ParsedArgs, terminal: Terminal, directory: CardDirectory | undefined): Promise<Card> {
  const id = flagValue(parsed, 'id');
  if (id === undefined) return readCardArgument(parsed.args[0], terminal);
  if (parsed.args.length > 0) throw new UsageError('ERR_USAGE', 'give either --id or a card file, not both');
  if (directory === undefined) throw new UsageError('ERR_USAGE', '--id needs a directory');
  return directory.get(id.toLowerCase());
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The fields of a card as shown by `show` and `find --json`. */
function describeCard(card: Card): Record<string, unknown> {
  return {
    id: card.id,
    identity: card.identity,
    device: card.device ?? null,
    created: isoDate(card.createdAt),
    publicKey: card.publicKey.toString(),
    replaces: card.previousCardId ?? null,
    signatures: card.signatures.map((s) => (s.kind === 'endorsement' ? `endorsement by ${s.signer}` : s.kind)),
  };
}

const create: Command = {
  spec: {
    name: 'card create',
    usage: 'card create -i KEY_FILE [--device NAME] [--previous CARD_FILE [--previous-key KEY_FILE]] [-o OUT] IDENTITY',
    summary: 'Create and self-sign a card binding IDENTITY to the key in KEY_FILE.',
    flags: [
      { name: 'identity', short: 'i', value: 'KEY_FILE', help: 'the private key file whose public key the card carries' },
      { name: 'device', value: 'NAME', help: 'a short device name, such as laptop' },
      { name: 'previous', value: 'CARD_FILE', help: 'the card this one replaces (rotation)' },
      { name: 'previous-key', value: 'KEY_FILE', help: 'the private key of the replaced card, when it differs from KEY_FILE' },
      { name: 'output', short: 'o', value: 'OUT', help: 'write the card to OUT (default stdout)' },
      PASSPHRASE_FILE_FLAG,
    ],
    maxArgs: 1,
    details: 'Example:\n  cardseal card create -i key.txt --device laptop -o alice.card alice@example.com\n  cardseal card publish alice.card',
  },
  async run(parsed, terminal) {
    const identity = parsed.args[0];
    const keyFile = flagValue(parsed, 'identity');
    if (identity === undefined || keyFile === undefined) {
      throw withHint(new UsageError('ERR_USAGE', 'card create needs -i KEY_FILE and an IDENTITY'), 'run "cardseal card create --help"');
    }
    if (!isValidIdentity(identity)) throw new UsageError('ERR_USAGE', `invalid identity ${JSON.stringify(identity.slice(0, 64))}`);
    const sources = passphraseSources(parsed, terminal);
    const key = await readIdentity(keyFile, sources);
    const previousFile = flagValue(parsed, 'previous');
    const previousKeyFile = flagValue(parsed, 'previous-key');
    const previous = previousFile === undefined ? undefined : verifyCard(readCardFile(previousFile));
    const previousKey = previousKeyFile === undefined ? undefined : await readIdentity(previousKeyFile, sources);
    let card: Card;
    try {
      card = createCard(key, { identity, device: flagValue(parsed, 'device'), previous, previousKey });
    } catch (error) {
      // createCard reports bad options as RangeError; on the command line they are usage errors.
      if (error instanceof RangeError) throw new UsageError('ERR_USAGE', error.message);
      throw error;
    } finally {
      key.destroy();
      previousKey?.destroy();
    }
    const target = flagValue(parsed, 'output');
    await streamTo([Readable.from([Buffer.from(`${card.export()}\n`)])], await openOutput(target, terminal, { binary: false }));
    if (!isStdio(target)) terminal.stdout.write(`${card.id}\n`);
  },
};

const show: Command = {
  spec: {
    name: 'card show',
    usage: 'card show [--json] [--id ID [--directory URL] | CARD_FILE]',
    summary: 'Verify a card and show what it says: from CARD_FILE (default stdin) or by id from the directory.',
    flags: [{ name: 'id', value: 'ID', help: 'fetch the card with this id from the directory' }, DIRECTORY_FLAG, { name: 'json', help: 'print one JSON object' }],
    maxArgs: 1,
  },
  async run(parsed, terminal) {
    const fromDirectory = flagValue(parsed, 'id') !== undefined;
    const card = fromDirectory
      ? await withDirectory(parsed, terminal, (directory) => cardToActOn(parsed, terminal, directory))
      : verifyCard(await cardToActOn(parsed, terminal, undefined));
    const fields = describeCard(card);
    if (hasFlag(parsed, 'json')) terminal.stdout.write(`${JSON.stringify(fields)}\n`);
    else {
      const shown = Object.entries(fields).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}: ${Array.isArray(v) ? v.join(', ') : (v ?? '-')}`);
      terminal.stdout.write(`${shown.join('\n')}\nverified: yes\n`);
    }
  },
};

const publish: Command = {
  spec: {
    name: 'card publish',
    usage: 'card publish [--directory URL] [CARD_FILE...]',
    summary: 'Publish cards (default: one card from stdin) to the directory, which verifies them.',
    flags: [DIRECTORY_FLAG],
    maxArgs: MANY,
  },
  async run(parsed, terminal) {
    const cards = parsed.args.length === 0 ? [await readCardArgument(undefined, terminal)] : parsed.args.map((path) => readCardFile(path));
    await withDirectory(parsed, terminal, async (directory) => {
      for (const card of cards) {
        await directory.publish(card);
        terminal.stdout.write(`published ${card.id} for ${card.identity}\n`);
      }
    });
  },
};

const find: Command = {
  spec: {
    name: 'card find',
    usage: 'card find [--directory URL] [--json | --export] IDENTITY...',
    summary: 'List the live, verified cards of each IDENTITY.',
    flags: [DIRECTORY_FLAG, { name: 'json', help: 'print one JSON array' }, { name: 'export', help: 'print each card in its text form, for -R CARD_FILE' }],
    maxArgs: MANY,
    details: 'Each line: identity, card id, device, creation time, public key (tab-separated).',
  },
  async run(parsed, terminal) {
    if (parsed.args.length === 0) throw withHint(new UsageError('ERR_USAGE', 'card find needs an IDENTITY'), 'run "cardseal card find --help"');
    const found = await withDirectory(parsed, terminal, (directory) => directory.findMany(parsed.args));
    const cards = parsed.args.flatMap((identity) => {
      const live = found.get(identity) ?? [];
      if (live.length === 0) throw new CardError('ERR_CARD_NOT_FOUND', `no live card for ${JSON.stringify(identity)} in the directory`);
      return live;
    });
    if (hasFlag(parsed, 'json')) terminal.stdout.write(`${JSON.stringify(cards.map(describeCard))}\n`);
    else if (hasFlag(parsed, 'export')) terminal.stdout.write(cards.map((c) => `${c.export()}\n`).join(''));
    else terminal.stdout.write(cards.map((c) => `${[c.identity, c.id, c.device ?? '-', isoDate(c.createdAt), c.publicKey.toString()].join('\t')}\n`).join(''));
  },
};

const revoke: Command = {
  spec: {
    name: 'card revoke',
    usage: 'card revoke -i KEY_FILE [--reason TEXT] [--signer NAME] [--directory URL] (--id ID | CARD_FILE)',
    summary: "Revoke a card in the directory with the card's own key, or an authority's key (--signer).",
    flags: [
      { name: 'identity', short: 'i', value: 'KEY_FILE', help: "the card's private key file, or the authority's with --signer" },
      { name: 'id', value: 'ID', help: 'the card to revoke, by id (else CARD_FILE, default stdin)' },
      { name: 'reason', value: 'TEXT', help: 'why, such as "lost laptop"' },
      { name: 'signer', value: 'NAME', help: 'the authority name the directory trusts, when KEY_FILE is not the card key' },
      DIRECTORY_FLAG,
      PASSPHRASE_FILE_FLAG,
    ],
    maxArgs: 1,
  },
  async run(parsed, terminal) {
    const keyFile = flagValue(parsed, 'identity');
    if (keyFile === undefined) throw withHint(new UsageError('ERR_USAGE', 'card revoke needs -i KEY_FILE'), 'run "cardseal card revoke --help"');
    const key = await readIdentity(keyFile, passphraseSources(parsed, terminal));
    try {
      await withDirectory(parsed, terminal, async (directory) => {
        const card = await cardToActOn(parsed, terminal, directory);
        await directory.revoke(card, key, { reason: flagValue(parsed, 'reason'), signerName: flagValue(parsed, 'signer') });
        terminal.stdout.write(`revoked ${card.id} for ${card.identity}\n`);
      });
    } finally {
      key.destroy();
    }
  },
};

/** `cardseal card …`. Errors: CardError ERR_CARD_*, DirectoryError ERR_DIRECTORY_*, KeyError ERR_KEY_*, UsageError, FileError. */
export const card: CommandGroup = {
  name: 'card',
  summary: 'Create, show, publish, find and revoke cards (identity-bound public keys).',
  commands: { create, show, publish, find, revoke },
};

