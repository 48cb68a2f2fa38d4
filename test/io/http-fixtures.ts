/**
 * Loopback HTTP servers and sources for the upload and download tests. Every
 * server listens on 127.0.0.1 port 0 and is closed, connections included, by
 * the test file that started it.
 */
import * as http from 'node:http';
import { Readable, Writable } from 'node:stream';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Servers started by one test, closed together in its afterEach. */
export function serverPool(): { serve(handler: http.RequestListener, path?: string): Promise<string>; closeAll(): Promise<void> } {
  const servers: TestServer[] = [];
  return {
    async serve(handler, path = '/file.cardseal') {
      const server = await startServer(handler);
      servers.push(server);
      return `${server.url}${path}`;
    },
    async closeAll() {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
}

/** A Writable that keeps what it receives. */
export function collector(): { sink: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return { sink, bytes: () => Buffer.concat(parts) };
}

/** Reads a request body whole. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** A source of `total` bytes made on demand, so a test can tell whether it was destroyed before the end. */
export function lazySource(total: number, chunkSize = 64 * 1024): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(chunkSize, 0x61);
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, total - sent);
      sent += n;
      this.push(chunk.subarray(0, n));
    },
  });
}

/** Rejects when `promise` takes longer than `ms`: a hang becomes a failure with a name. */
export async function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `code` a promise rejects with, or 'no error'. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code?: unknown; statusCode?: unknown; name?: unknown; message?: string }> {
  return promise.then(
    () => ({ code: 'no error' }),
    (error: { code?: unknown; statusCode?: unknown; name?: unknown; message?: string }) => error,
  );
}
