/**
 * `cardseal inspect`: what a file's prefix and header say, without any key
 * and without decrypting. The header is parsed as strictly as decryption
 * would (spec/format.md §3), but its MAC cannot be checked without a key, so
 * the report is what the file claims, not what it proves. The payload is only
 * counted, to give the plaintext size its length implies.
 */
import { pipeline } from 'node:stream/promises';
import { autoDearmor } from '../../armor/streams.js';
import { hasCode } from '../../errors.js';
import { countRecipients, parseHeader, SENDER_ED25519 } from '../../format/header.js';
import { DEFAULT_MAX_RECIPIENTS } from '../../format/limits.js';
import { plaintextSize } from '../../sizes.js';
import { hasFlag } from '../args.js';
import type { Command } from '../command.js';
import { readEnvelopeHead } from '../envelope-head.js';
import { openInput } from '../input.js';

/** What inspect reports; also its --json form. */
export interface Inspection {
  version: number;
  armored: boolean;
  suite: number;
  chunkSize: number;
  recipients: number;
  /** Bytes of the CBOR header. */
  headerSize: number;
  /** Bytes before the payload: prefix, header and MAC. */
  envelopeSize: number;
  /** Bytes of the whole (dearmored) file. */
  ciphertextSize: number;
  /** Plaintext bytes the length implies, or null when no plaintext has this length (cut or extended). */
  payloadSize: number | null;
  signed: boolean;
}

const SUITE_NAMES: Record<number, string> = { 1: 'X25519, HKDF-SHA-256, ChaCha20-Poly1305' };

function formatInspection(report: Inspection): string {
  const rows: [string, string][] = [
    ['version', String(report.version)],
    ['armored', report.armored ? 'yes' : 'no'],
    ['suite', `${report.suite} (${SUITE_NAMES[report.suite] ?? 'unknown'})`],
    ['chunk size', String(report.chunkSize)],
    ['recipients', String(report.recipients)],
    ['header size', String(report.headerSize)],
    ['envelope size', String(report.envelopeSize)],
    ['ciphertext size', String(report.ciphertextSize)],
    ['payload size', report.payloadSize === null ? 'invalid (the length fits no chunking: cut or extended)' : String(report.payloadSize)],
    ['signed', report.signed ? 'yes (Ed25519 sender signature, not checked)' : 'no'],
  ];
  return rows.map(([key, value]) => `${key}: ${value}\n`).join('');
}

/** `cardseal inspect`. Errors: HeaderError ERR_HEADER_*, LimitError ERR_LIMIT_*, ArmorError ERR_ARMOR_FORMAT, FileError, HttpError. */
export const inspect: Command = {
  spec: {
    name: 'inspect',
    usage: 'inspect [--json] [IN]',
    summary: 'Show what the header of IN (default stdin) says, without a key and without decrypting.',
    flags: [{ name: 'json', help: 'print one JSON object instead of lines' }],
    maxArgs: 1,
    details: [
      'Reports the format version, whether the input is armored, the cipher suite, chunk size,',
      'recipient count, header and envelope sizes, the plaintext size the length implies, and',
      'whether the file carries a sender signature. The header MAC needs a key, so it is not checked.',
      '',
      'Example:',
      '  cardseal inspect backup.tar.cardseal',
    ].join('\n'),
  },

  async run(parsed, terminal) {
    const input = await openInput(parsed.args[0], terminal);
    const dearmor = autoDearmor();
    const report = await pipeline(input.stream, dearmor, async (source: AsyncIterable<Buffer>): Promise<Inspection> => {
      const iterator = source[Symbol.asyncIterator]();
      const head = await readEnvelopeHead(iterator);
      const header = parseHeader(head.header, { maxRecipients: DEFAULT_MAX_RECIPIENTS });
      let total = head.bytesRead;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) total += next.value.length;
      const chunkSize = 2 ** header.chunkExponent;
      const signed = header.sender === SENDER_ED25519;
      let payloadSize: number | null;
      try {
        payloadSize = plaintextSize(total, { headerLength: head.envelope.length, chunkSize, signed });
      } catch (error) {
        if (!hasCode(error, 'ERR_PAYLOAD_TRUNCATED')) throw error;
        payloadSize = null;
      }
      return {
        version: 1,
        armored: dearmor.armored === true,
        suite: header.suite,
        chunkSize,
        recipients: countRecipients(header),
        headerSize: head.header.length,
        envelopeSize: head.envelope.length,
        ciphertextSize: total,
        payloadSize,
        signed,
      };
    });
    terminal.stdout.write(hasFlag(parsed, 'json') ? `${JSON.stringify(report)}\n` : formatInspection(report));
  },
};
