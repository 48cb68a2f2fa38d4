import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { upload } from '../../lib/io/upload.js';
import { ciphertextSize, decrypt, encryptFor, generateKeyPair } from '../../lib/index.js';
import { lazySource, readBody, rejectionOf, serverPool, startServer, withinTime } from './http-fixtures.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: Buffer;
  method: string | undefined;
}

describe('upload', () => {
  const pool = serverPool();
  afterEach(() => pool.closeAll());
  const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => pool.serve(handler, '/bucket/file.cardseal');

  /** A server that stores the body and answers 201 with an ETag; with `requireLength` it refuses chunked bodies as S3 does. */
  async function storingServer(seen: Seen[], requireLength = false): Promise<string> {
    return serve(async (req, res) => {
      if (requireLength && req.headers['content-length'] === undefined) {
        res.writeHead(411).end('<Error><Code>MissingContentLength</Code></Error>');
        return;
      }
      const body = await readBody(req);
      seen.push({ headers: req.headers, body, method: req.method });
      res.writeHead(201, { etag: '"abc123"' }).end();
    });
  }

  it('streams an encrypted file with chunked transfer encoding when no length is given, and resolves with status and ETag', async () => {
    const seen: Seen[] = [];
    const url = await storingServer(seen);
    const { publicKey, privateKey } = generateKeyPair();
    const plaintext = randomBytes(300_000);
    const sink = upload(url);
    const events: unknown[] = [];
    sink.on('response', (r) => events.push(r));
    await withinTime(pipeline(Readable.from([plaintext]), encryptFor([publicKey]), sink), 10_000, 'upload');
    const answer = await sink.response;
    expect(answer.statusCode).to.equal(201);
    expect(answer.etag).to.equal('"abc123"');
    expect(events).to.deep.equal([answer]);
    expect(seen).to.have.length(1);
    expect(seen[0]!.method).to.equal('PUT');
    expect(seen[0]!.headers['transfer-encoding']).to.equal('chunked');
    expect(seen[0]!.headers['content-length']).to.equal(undefined);
    expect(Buffer.from(await decrypt(seen[0]!.body, privateKey)).equals(plaintext)).to.equal(true);
  });

  it('sends the exact Content-Length from ciphertextSize, with the method and headers asked for', async () => {
    const seen: Seen[] = [];
    const url = await storingServer(seen, true);
    const { publicKey, privateKey } = generateKeyPair();
    const plaintext = randomBytes(150_001);
    const contentLength = ciphertextSize(plaintext.length, { chunkSize: 16_384 });
    const sink = upload(url, { method: 'POST', contentLength, headers: { 'x-test': 'yes' } });
    await withinTime(pipeline(Readable.from([plaintext]), encryptFor([publicKey], { chunkSize: 16_384 }), sink), 10_000, 'upload');
    expect((await sink.response).statusCode).to.equal(201);
    expect(seen[0]!.method).to.equal('POST');
    expect(seen[0]!.headers['content-length']).to.equal(String(contentLength));
    expect(seen[0]!.headers['transfer-encoding']).to.equal(undefined);
    expect(seen[0]!.headers['x-test']).to.equal('yes');
    expect(seen[0]!.body.length).to.equal(contentLength);
    expect(Buffer.from(await decrypt(seen[0]!.body, privateKey)).equals(plaintext)).to.equal(true);
  });

  it('fails with ERR_HTTP_LENGTH when the body is longer or shorter than the declared length, and sends nothing complete', async () => {
    const seen: Seen[] = [];
    const url = await storingServer(seen);
    const longer = lazySource(10_000);
    const tooLong = await rejectionOf(withinTime(pipeline(longer, upload(url, { contentLength: 5000 })), 10_000, 'upload'));
    expect(tooLong.code).to.equal('ERR_HTTP_LENGTH');
    expect(longer.destroyed).to.equal(true);
    const tooShort = await rejectionOf(withinTime(pipeline(lazySource(3000), upload(url, { contentLength: 5000 })), 10_000, 'upload'));
    expect(tooShort.code).to.equal('ERR_HTTP_LENGTH');
    expect(seen).to.have.length(0);
  });

  it('surfaces a server that drops the connection mid-upload as ERR_HTTP_CONNECTION and destroys the source', async () => {
    let received = 0;
    const url = await serve((req) => {
      req.on('data', (d: Buffer) => {
        received += d.length;
        if (received > 256 * 1024) req.socket.destroy();
      });
    });
    const source = lazySource(200 * 1024 * 1024);
    const error = await rejectionOf(withinTime(pipeline(source, encryptFor([generateKeyPair().publicKey]), upload(url)), 10_000, 'upload'));
    expect(error.code).to.equal('ERR_HTTP_CONNECTION');
    expect(source.destroyed).to.equal(true);
    expect(received).to.be.lessThan(200 * 1024 * 1024);
  });

  it('surfaces an early 500 as ERR_HTTP_STATUS with statusCode 500 and destroys the source', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500).end('<Error><Code>InternalError</Code></Error>');
    });
    const source = lazySource(200 * 1024 * 1024);
    const sink = upload(url);
    const error = await rejectionOf(withinTime(pipeline(source, encryptFor([generateKeyPair().publicKey]), sink), 10_000, 'upload'));
    expect(error.code).to.equal('ERR_HTTP_STATUS');
    expect(error.statusCode).to.equal(500);
    expect(error.message).to.include('InternalError');
    expect(source.destroyed).to.equal(true);
    expect((await rejectionOf(sink.response)).code).to.equal('ERR_HTTP_STATUS');
  });

  it('reports an error answer after the whole body (403 with an S3 error code) as ERR_HTTP_STATUS', async () => {
    const url = await serve(async (req, res) => {
      await readBody(req);
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>');
    });
    const error = await rejectionOf(withinTime(pipeline(lazySource(100_000), upload(url)), 10_000, 'upload'));
    expect(error.code).to.equal('ERR_HTTP_STATUS');
    expect(error.statusCode).to.equal(403);
    expect(error.message).to.equal('upload failed: the server answered 403 (AccessDenied)');
  });

  it('reports a refused connection as ERR_HTTP_CONNECTION, and never quotes the URL query', async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const source = lazySource(10 * 1024 * 1024);
    const error = await rejectionOf(withinTime(pipeline(source, upload(`${closed.url}/x?X-Amz-Signature=secret`)), 10_000, 'upload'));
    expect(error.code).to.equal('ERR_HTTP_CONNECTION');
    expect(error.message).not.to.include('secret');
    expect(source.destroyed).to.equal(true);
  });

  it('stops on its AbortSignal: the request is torn down, the source destroyed, the server never sees the end', async () => {
    let ended = false;
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((req) => {
      req.on('end', () => (ended = true));
      req.on('close', () => closed());
      req.resume();
    });
    const controller = new AbortController();
    const source = lazySource(200 * 1024 * 1024);
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(withinTime(pipeline(source, upload(url, { signal: controller.signal })), 10_000, 'upload'));
    expect(error.name).to.equal('AbortError');
    expect(source.destroyed).to.equal(true);
    await withinTime(serverSawClose, 5000, 'server request close');
    expect(ended).to.equal(false);
  });

  it('rejects a non-HTTP URL and a bad contentLength as caller errors', () => {
    expect(() => upload('ftp://127.0.0.1/x')).to.throw(RangeError);
    expect(() => upload('http://127.0.0.1/x', { contentLength: -1 })).to.throw(RangeError);
    expect(() => upload(42 as unknown as string)).to.throw(TypeError);
  });
});
