/**
 * Transforms around the armor state machines (spec/format.md §10). They hold
 * no policy: every rule lives in lib/armor/armor.ts. Each keeps less than one
 * line between writes, so memory stays flat whatever the input size.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ArmorReader, ArmorWriter, detectArmor } from './armor.js';

/** The armoring Transform. Create it with {@link armorEncode}. */
export class ArmorEncodeStream extends Transform {
  readonly #writer = new ArmorWriter();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.#writer.write(chunk);
    callback(null, text.length > 0 ? text : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.#writer.end());
  }
}

/** Bytes in, armored text out. */
export function armorEncode(): ArmorEncodeStream {
  return new ArmorEncodeStream();
}

/** Pushes each part, then calls back with any error: one place for both decoding Transforms. */
function runReader(stream: Transform, step: () => Buffer[], callback: TransformCallback): void {
  let parts: Buffer[];
  try {
    parts = step();
  } catch (error) {
    callback(error as Error);
    return;
  }
  for (const part of parts) if (part.length > 0) stream.push(part);
  callback();
}

/** The strict dearmoring Transform. Create it with {@link armorDecode}. */
export class ArmorDecodeStream extends Transform {
  readonly #reader = new ArmorReader();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    runReader(this, () => this.#reader.write(chunk), callback);
  }

  override _flush(callback: TransformCallback): void {
    runReader(this, () => (this.#reader.end(), []), callback);
  }
}

/**
 * Armored text in, bytes out. Non-canonical armor fails the stream.
 * @throws ArmorError ERR_ARMOR_FORMAT, as a stream error
 */
export function armorDecode(): ArmorDecodeStream {
  return new ArmorDecodeStream();
}

/**
 * Dearmors when the input starts with the BEGIN line and passes it through
 * untouched otherwise. Create it with {@link autoDearmor}.
 */
export class AutoDearmorStream extends Transform {
  #head: Buffer = Buffer.alloc(0);
  #reader: ArmorReader | undefined;
  #decided = false;

  /** True once armor was detected, false once binary was, undefined before the first bytes decide. */
  get armored(): boolean | undefined {
    return this.#decided ? this.#reader !== undefined : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#decided) {
      this.#pass(chunk, callback);
      return;
    }
    this.#head = Buffer.concat([this.#head, chunk]);
    const verdict = detectArmor(this.#head);
    if (verdict === 'undecided') {
      callback();
      return;
    }
    this.#decide(verdict === 'armor');
    this.#pass(this.#takeHead(), callback);
  }

  override _flush(callback: TransformCallback): void {
    // Input too short to hold the BEGIN marker is binary; the decrypter judges it.
    if (!this.#decided) {
      this.#decide(false);
      const head = this.#takeHead();
      if (head.length > 0) this.push(head);
    }
    const reader = this.#reader;
    if (reader === undefined) callback();
    else runReader(this, () => (reader.end(), []), callback);
  }

  #decide(armored: boolean): void {
    this.#decided = true;
    if (armored) this.#reader = new ArmorReader();
    this.emit('detect', armored);
  }

  #takeHead(): Buffer {
    const head = this.#head;
    this.#head = Buffer.alloc(0);
    return head;
  }

  #pass(chunk: Buffer, callback: TransformCallback): void {
    const reader = this.#reader;
    if (reader === undefined) callback(null, chunk);
    else runReader(this, () => reader.write(chunk), callback);
  }
}

/**
 * Passes binary input through and dearmors armored input, deciding on the
 * first bytes. Emits `detect` with `true` for armor.
 * @throws ArmorError ERR_ARMOR_FORMAT, as a stream error, for malformed armor
 */
export function autoDearmor(): AutoDearmorStream {
  return new AutoDearmorStream();
}
