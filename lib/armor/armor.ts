/**
 * The text armor (spec/format.md §10): a BEGIN line, the file as standard
 * base64 (RFC 4648 §4) in lines of exactly 64 characters, the last line 1..64
 * characters with its padding, then an END line.
 *
 *   -----BEGIN CARDSEAL FILE-----\n
 *   (64 base64 characters \n)*
 *   (1..64 base64 characters, padded to a multiple of 4, \n)?
 *   -----END CARDSEAL FILE-----
 *   \n?
 *
 * Every byte string has exactly one armored form, and the decoder accepts
 * nothing else: no CR, no blank or long lines, no whitespace, no URL-safe
 * alphabet, no padding inside the text, no non-zero padding bits, no short line
 * before the last, nothing after the END line but one newline.
 *
 * The writer and reader are plain state machines with bounded memory (less
 * than one line is carried between writes); lib/armor/streams.ts wraps them.
 */
import { ArmorError } from '../errors.js';
import { asBuffer } from '../bytes.js';

export const ARMOR_BEGIN = '-----BEGIN CARDSEAL FILE-----';
export const ARMOR_END = '-----END CARDSEAL FILE-----';
/** Base64 characters per full line. */
export const ARMOR_LINE_LENGTH = 64;
/** Bytes {@link detectArmor} needs to decide for certain: the BEGIN marker (spec §10). */
export const ARMOR_SNIFF_LENGTH = ARMOR_BEGIN.length;
/** Bytes encoded by one full line. */
const LINE_BYTES = (ARMOR_LINE_LENGTH / 4) * 3;
const NEWLINE = 0x0a;
const PAD = 0x3d;
const BEGIN_LINE = Buffer.from(`${ARMOR_BEGIN}\n`, 'latin1');
const END_LINE = Buffer.from(`${ARMOR_END}\n`, 'latin1');
const END_MARKER = Buffer.from(ARMOR_END, 'latin1');

/** The 6-bit value of each base64 character, or -1 for a byte outside the standard alphabet. */
const SEXTET = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));

function formatError(message: string): ArmorError {
  return new ArmorError('ERR_ARMOR_FORMAT', `invalid armor: ${message}`);
}

/** Exact length of the armored form of `byteLength` bytes, END line newline included. */
export function armoredSize(byteLength: number): number {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) throw new RangeError(`byteLength must be a non-negative integer, got ${byteLength}`);
  const chars = 4 * Math.ceil(byteLength / 3);
  return BEGIN_LINE.length + chars + Math.ceil(chars / ARMOR_LINE_LENGTH) + END_LINE.length;
}

/**
 * What the first bytes of an input say: `armor` once they hold the whole BEGIN
 * marker, `binary` as soon as they cannot, `undecided` while they are a proper
 * prefix of it.
 */
export function detectArmor(head: Uint8Array): 'armor' | 'binary' | 'undecided' {
  const n = Math.min(head.length, ARMOR_BEGIN.length);
  for (let i = 0; i < n; i++) if (head[i] !== BEGIN_LINE[i]) return 'binary';
  return n === ARMOR_BEGIN.length ? 'armor' : 'undecided';
}

/** Encodes bytes into armor incrementally: whole lines out, fewer than 48 bytes carried. */
export class ArmorWriter {
  #carry: Buffer = Buffer.alloc(0);
  #started = false;

  /** Armors `bytes` and returns the text ready so far (possibly empty). */
  write(bytes: Uint8Array): Buffer {
    const input = this.#carry.length === 0 ? asBuffer(bytes) : Buffer.concat([this.#carry, bytes]);
    const whole = input.length - (input.length % LINE_BYTES);
    this.#carry = Buffer.from(input.subarray(whole));
    return this.#emit(input.subarray(0, whole), false);
  }

  /** Ends the armor: the last, padded line and the END line. */
  end(): Buffer {
    const tail = this.#emit(this.#carry, true);
    this.#carry = Buffer.alloc(0);
    return tail;
  }

  #emit(bytes: Buffer, last: boolean): Buffer {
    const head = this.#started ? 0 : BEGIN_LINE.length;
    this.#started = true;
    const encoded = Buffer.from(bytes.toString('base64'), 'latin1');
    const lines = Math.ceil(encoded.length / ARMOR_LINE_LENGTH);
    const out = Buffer.allocUnsafe(head + encoded.length + lines + (last ? END_LINE.length : 0));
    if (head > 0) BEGIN_LINE.copy(out, 0);
    let at = head;
    for (let from = 0; from < encoded.length; from += ARMOR_LINE_LENGTH) {
      at += encoded.copy(out, at, from, Math.min(from + ARMOR_LINE_LENGTH, encoded.length));
      out[at++] = NEWLINE;
    }
    if (last) END_LINE.copy(out, at);
    return out;
  }
}

type ReaderState = 'begin' | 'body' | 'done';

/**
 * Decodes armor strictly and incrementally. `write` returns the bytes decoded
 * so far; `end` checks that the armor was complete. Any deviation from the one
 * canonical form throws ArmorError ERR_ARMOR_FORMAT naming the line.
 */
export class ArmorReader {
  #state: ReaderState = 'begin';
  #pending: Buffer = Buffer.alloc(0);
  /** Set once a short or padded line is read: only the END line may follow. */
  #sawLastLine = false;
  #line = 1;

  /**
   * Feeds armored text; returns decoded bytes (possibly none).
   * @throws ArmorError ERR_ARMOR_FORMAT
   */
  write(text: Uint8Array): Buffer[] {
    const input = this.#pending.length === 0 ? asBuffer(text) : Buffer.concat([this.#pending, text]);
    const out: Buffer[] = [];
    const used = this.#consume(input, out);
    this.#pending = Buffer.from(input.subarray(used));
    return out;
  }

  /**
   * Declares the end of input.
   * @throws ArmorError ERR_ARMOR_FORMAT when the BEGIN or END line is missing or cut
   */
  end(): void {
    if (this.#state === 'begin') throw formatError('input ended before the BEGIN line');
    // The END line may close the input without its newline.
    if (this.#state === 'body' && !this.#pending.equals(END_MARKER)) throw formatError(`input ended before the END line (line ${this.#line})`);
    this.#state = 'done';
    this.#pending = Buffer.alloc(0);
  }

  /** Consumes whole lines of `input` into `out`; returns how many bytes were consumed. */
  #consume(input: Buffer, out: Buffer[]): number {
    let at = 0;
    if (this.#state === 'begin') {
      const seen = Math.min(input.length, BEGIN_LINE.length);
      if (!input.subarray(0, seen).equals(BEGIN_LINE.subarray(0, seen))) throw formatError('line 1 is not the BEGIN line');
      if (seen < BEGIN_LINE.length) return 0;
      at = BEGIN_LINE.length;
      this.#state = 'body';
      this.#line = 2;
    }
    while (this.#state === 'body') {
      // Fast path: a run of full lines, checked here and decoded in one call.
      const runEnd = this.#sawLastLine ? at : this.#scanFullLines(input, at);
      if (runEnd > at) {
        // Node's decoder skips the newlines; every other byte was checked above.
        out.push(Buffer.from(input.toString('latin1', at, runEnd), 'base64'));
        at = runEnd;
      }
      const newline = input.indexOf(NEWLINE, at);
      if (newline === -1) {
        if (input.length - at > ARMOR_LINE_LENGTH) throw formatError(`line ${this.#line} is longer than ${ARMOR_LINE_LENGTH} characters`);
        return at;
      }
      this.#readLine(input.subarray(at, newline), out);
      at = newline + 1;
    }
    if (at < input.length) throw formatError('data follows the END line');
    return at;
  }

  /** End offset of the run of full, unpadded lines starting at `start`. */
  #scanFullLines(input: Buffer, start: number): number {
    let at = start;
    outer: while (input.length - at > ARMOR_LINE_LENGTH) {
      if (input[at + ARMOR_LINE_LENGTH] !== NEWLINE) break;
      for (let i = at; i < at + ARMOR_LINE_LENGTH; i++) if (SEXTET[input[i]!]! < 0) break outer;
      at += ARMOR_LINE_LENGTH + 1;
      this.#line++;
    }
    return at;
  }

  /** One line without its newline: the END line, or a short or padded data line. */
  #readLine(line: Buffer, out: Buffer[]): void {
    if (line.equals(END_MARKER)) {
      this.#state = 'done';
      return;
    }
    const where = `line ${this.#line}`;
    if (line[0] === 0x2d) throw formatError(`${where} is not the END line`);
    if (this.#sawLastLine) throw formatError(`${where} follows a short or padded line; only the END line may`);
    if (line.length === 0) throw formatError(`${where} is empty`);
    if (line.length > ARMOR_LINE_LENGTH) throw formatError(`${where} is longer than ${ARMOR_LINE_LENGTH} characters`);
    if (line.length % 4 !== 0) throw formatError(`${where} length ${line.length} is not a multiple of 4`);
    const padding = line[line.length - 1] !== PAD ? 0 : line[line.length - 2] !== PAD ? 1 : 2;
    for (let i = 0; i < line.length - padding; i++) {
      if (SEXTET[line[i]!]! < 0) throw formatError(`${where} has a character outside the base64 alphabet at column ${i + 1}`);
    }
    // Canonical padding: the bits the padding leaves unused must be zero (RFC 4648 §3.5).
    const lastSextet = SEXTET[line[line.length - 1 - padding]!]!;
    if ((padding === 1 && (lastSextet & 0x03) !== 0) || (padding === 2 && (lastSextet & 0x0f) !== 0)) {
      throw formatError(`${where} has non-zero padding bits`);
    }
    if (line.length < ARMOR_LINE_LENGTH || padding > 0) this.#sawLastLine = true;
    out.push(Buffer.from(line.toString('latin1'), 'base64'));
    this.#line++;
  }
}

/** Armors a whole byte array at once. */
export function armorBytes(bytes: Uint8Array): string {
  const writer = new ArmorWriter();
  return Buffer.concat([writer.write(bytes), writer.end()]).toString('latin1');
}

/**
 * Decodes a whole armored text at once.
 * @throws ArmorError ERR_ARMOR_FORMAT
 */
export function dearmorText(text: string | Uint8Array): Uint8Array {
  const reader = new ArmorReader();
  // A non-ASCII character becomes bytes >= 0x80, which are outside the alphabet.
  const parts = reader.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  reader.end();
  return new Uint8Array(Buffer.concat(parts));
}
