/**
 * A FIFO of byte arrays that hands out exact-length slices, zero-copy when a
 * slice lies inside one queued array and copied only when it straddles two.
 * This is what keeps large writes from being concatenated chunk by chunk.
 */
export class ByteQueue {
  #parts: Uint8Array[] = [];
  #head = 0;
  #length = 0;

  /** Bytes queued. */
  get length(): number {
    return this.#length;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  /** Removes and returns the next `n` bytes (n ≤ length). */
  take(n: number): Uint8Array {
    if (n > this.#length) throw new Error(`internal error: take(${n}) from ${this.#length} bytes`);
    this.#length -= n;
    const first = this.#parts[this.#head];
    if (first !== undefined && first.length >= n) {
      const slice = first.subarray(0, n);
      this.#consume(first, n);
      return slice;
    }
    // Every byte is overwritten below, so skip the zero fill.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = this.#parts[this.#head]!;
      const count = Math.min(part.length, n - filled);
      out.set(part.subarray(0, count), filled);
      filled += count;
      this.#consume(part, count);
    }
    return out;
  }

  /** Removes the next `n` bytes (n ≤ length) as views of the queued arrays, without copying. */
  takeParts(n: number): Uint8Array[] {
    if (n > this.#length) throw new Error(`internal error: takeParts(${n}) from ${this.#length} bytes`);
    this.#length -= n;
    const parts: Uint8Array[] = [];
    for (let left = n; left > 0; ) {
      const part = this.#parts[this.#head]!;
      const count = Math.min(part.length, left);
      parts.push(part.subarray(0, count));
      this.#consume(part, count);
      left -= count;
    }
    return parts;
  }

  /** Removes and returns everything queued. */
  takeAll(): Uint8Array {
    return this.take(this.#length);
  }

  /** A copy of the first `n` bytes without removing them (n ≤ length). */
  peek(n: number): Uint8Array {
    if (n > this.#length) throw new Error(`internal error: peek(${n}) at ${this.#length} bytes`);
    const out = new Uint8Array(n);
    let filled = 0;
    for (let i = this.#head; filled < n; i++) {
      const part = this.#parts[i]!;
      const count = Math.min(part.length, n - filled);
      out.set(part.subarray(0, count), filled);
      filled += count;
    }
    return out;
  }

  /** Drops every queued reference. */
  clear(): void {
    this.#parts = [];
    this.#head = 0;
    this.#length = 0;
  }

  #consume(part: Uint8Array, count: number): void {
    if (count === part.length) {
      this.#parts[this.#head++] = undefined as unknown as Uint8Array;
      // Compact now and then, so the array does not grow without bound.
      if (this.#head > 64 && this.#head * 2 > this.#parts.length) {
        this.#parts = this.#parts.slice(this.#head);
        this.#head = 0;
      }
    } else {
      this.#parts[this.#head] = part.subarray(count);
    }
  }
}
