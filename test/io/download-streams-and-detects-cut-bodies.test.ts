import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { download } from '../../lib/io/download.js';
import { decryptWith, encrypt, generateKeyPair } from '../../lib/index.js';
import { collector, rejectionOf, serverPool, startServer, withinTime } from './http-fixtures.js';

describe('download', () => {
  const pool = serverPool();
  afterEach(() => pool.closeAll());
  const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => pool.serve(handler);

  it('streams a body into decryptWith and reports status, length and ETag', async () => {
    const { publicKey, privateKey } = generateKeyPair();
    const plaintext = randomBytes(500_000);
    const ciphertext = await encrypt(plaintext, [publicKey]);
    let auth: string | undefined;
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'content-length': ciphertext.length, etag: '"v1"' }).end(ciphertext);
    });
    const source = download(url, { headers: { authorization: 'Bearer t' } });
    const out = collector();
    await withinTime(pipeline(source, decryptWith(privateKey), out.sink), 10_000, 'download');
    expect(out.bytes().equals(plaintext)).to.equal(true);
    const answer = await source.response;
    expect(answer).to.include({ statusCode: 200, contentLength: ciphertext.length, etag: '"v1"' });
    expect(auth).to.equal('Bearer t');
  });

  it('streams a chunked body with no declared length', async () => {
    const body = randomBytes(300_000);
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write(body.subarray(0, 100_000));
      setTimeout(() => res.end(body.subarray(100_000)), 20);
    });
    const out = collector();
    const source = download(url);
    await withinTime(pipeline(source, out.sink), 10_000, 'download');
    expect(out.bytes().equals(body)).to.equal(true);
    expect((await source.response).contentLength).to.equal(undefined);
  });

  it('fails with ERR_HTTP_STATUS and the statusCode on 404, before any byte', async () => {
    const url = await serve((_req, res) => res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>'));
    const out = collector();
    const error = await rejectionOf(withinTime(pipeline(download(url), out.sink), 10_000, 'download'));
    expect(error.code).to.equal('ERR_HTTP_STATUS');
    expect(error.statusCode).to.equal(404);
    expect(error.message).to.include('NoSuchKey');
    expect(out.bytes().length).to.equal(0);
  });

  it('fails with ERR_HTTP_LENGTH when the connection closes before the declared length', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(Buffer.alloc(40_000), () => res.socket?.destroy());
    });
    const error = await rejectionOf(withinTime(pipeline(download(url), collector().sink), 10_000, 'download'));
    expect(error.code).to.equal('ERR_HTTP_LENGTH');
    expect(error.message).to.match(/^download ended after \d+ of 100000 bytes$/);
  });

  it('fails with ERR_HTTP_CONNECTION when a chunked body is cut, and when the connection is refused', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(40_000), () => res.socket?.destroy());
    });
    const cut = await rejectionOf(withinTime(pipeline(download(url), collector().sink), 10_000, 'download'));
    expect(cut.code).to.equal('ERR_HTTP_CONNECTION');
    const closed = await startServer(() => {});
    await closed.close();
    const refused = await rejectionOf(withinTime(pipeline(download(`${closed.url}/x`), collector().sink), 10_000, 'download'));
    expect(refused.code).to.equal('ERR_HTTP_CONNECTION');
  });

  it('a download destroyed while the server is still answering tears down the request', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((_req, res) => {
      res.on('close', () => closed());
      res.writeHead(200);
      const timer = setInterval(() => res.write(Buffer.alloc(16_384)), 5);
      res.on('close', () => clearInterval(timer));
    });
    const source = download(url);
    source.once('data', () => source.destroy());
    await withinTime(serverSawClose, 5000, 'server response close');
    expect(source.destroyed).to.equal(true);
    expect((await rejectionOf(source.response)).code).to.equal('no error');
  });
});
