/**
 * `-o https://…` uploads and `https://…` inputs download, against real
 * servers on loopback: a plain node:http server and s3rver with presigned URLs.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';
import { armoredSize } from '../../lib/armor/armor.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { type TestServer, readBody, startServer } from '../io/http-fixtures.js';
import { presignUrl } from '../io/sigv4.js';
import { makeTempDir, publicKeyOf, runCli } from './cli-fixtures.js';

interface Stored {
  body: Buffer;
  headers: IncomingMessage['headers'];
}

describe('cardseal upload and download', () => {
  const temp = makeTempDir('cardseal-http-');
  const dir = temp.dir;
  const at = (name: string): string => join(dir, name);
  const stored = new Map<string, Stored>();
  let server: TestServer;
  let s3: S3rver;
  let s3Endpoint: string;
  let alice: string;
  const plaintext = randomBytes(1024 * 1024 + 3);

  /** PUT stores (411 without a length under /strict/, as S3 does), GET serves, /fail/ answers 500 at once. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url!.split('?')[0]!;
    if (path.startsWith('/fail/')) {
      res.writeHead(500).end();
      return;
    }
    if (req.method === 'PUT') {
      if (path.startsWith('/strict/') && req.headers['content-length'] === undefined) {
        res.writeHead(411).end();
        return;
      }
      void readBody(req).then((body) => {
        stored.set(path, { body, headers: req.headers });
        res.writeHead(200, { etag: '"e"' }).end();
      });
      return;
    }
    const entry = stored.get(path);
    if (entry === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': entry.body.length }).end(entry.body);
  }

  before(async () => {
    server = await startServer(handle);
    mkdirSync(at('s3'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: at('s3'), configureBuckets: [{ name: 'backups', configs: [] }] });
    s3Endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    alice = publicKeyOf(await runCli(['keygen', '-o', at('alice.key')]));
    writeFileSync(at('data.bin'), plaintext);
  });
  after(async () => {
    await server.close();
    await s3.close();
    temp.cleanup();
  });

  it('uploads a file with the exact Content-Length and decrypts it from a URL', async () => {
    const up = await runCli(['encrypt', '--to', alice, '-o', `${server.url}/strict/data.cs`, at('data.bin')]);
    expect(up.code, up.stderr).to.equal(0);
    const entry = stored.get('/strict/data.cs')!;
    expect(entry.headers['content-length']).to.equal(String(ciphertextSize(plaintext.length)));
    expect(entry.body.length).to.equal(ciphertextSize(plaintext.length));
    const down = await runCli(['decrypt', '-i', at('alice.key'), `${server.url}/strict/data.cs`]);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout.equals(plaintext)).to.equal(true);
  });

  it('uploads armor with its exact length, and stdin with chunked encoding', async () => {
    const [armored, piped] = await Promise.all([
      runCli(['encrypt', '-a', '--to', alice, '-o', `${server.url}/strict/data.asc`, at('data.bin')]),
      runCli(['encrypt', '--to', alice, '-o', `${server.url}/any/piped.cs`], { input: plaintext }),
    ]);
    expect(armored.code, armored.stderr).to.equal(0);
    expect(stored.get('/strict/data.asc')!.headers['content-length']).to.equal(String(armoredSize(ciphertextSize(plaintext.length))));
    expect(piped.code, piped.stderr).to.equal(0);
    expect(stored.get('/any/piped.cs')!.headers['transfer-encoding']).to.equal('chunked');
    const down = await runCli(['decrypt', '-i', at('alice.key'), `${server.url}/strict/data.asc`]);
    expect(down.stdout.equals(plaintext)).to.equal(true);
  });

  it('a chunked upload to a server that needs a length fails with the status and a hint', async () => {
    const result = await runCli(['encrypt', '--to', alice, '-o', `${server.url}/strict/piped.cs`], { input: plaintext });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(
      'error: upload failed: the server answered 411\nhint: the server needs a Content-Length: give a regular file as input rather than a pipe\n',
    );
  });

  it('a server failing mid-upload, and a missing download, end the run with exit 1 and an error line', async () => {
    const big = at('big.bin');
    writeFileSync(big, Buffer.alloc(32 * 1024 * 1024));
    const [failed, missing] = await Promise.all([
      runCli(['encrypt', '-q', '--to', alice, '-o', `${server.url}/fail/big.cs`, big], { timeoutMs: 20_000 }),
      runCli(['decrypt', '-i', at('alice.key'), '-o', at('never.bin'), `${server.url}/missing.cs`]),
    ]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.equal('error: upload failed: the server answered 500\n');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal('error: download failed: the server answered 404\nhint: the URL names nothing on the server\n');
  });

  it('uploads to an S3 presigned PUT URL and decrypts from a presigned GET URL', async () => {
    const credentials = { endpoint: s3Endpoint, bucket: 'backups', key: 'nightly/data.cs', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
    const up = await runCli(['encrypt', '--to', alice, '-o', presignUrl({ method: 'PUT', ...credentials }), at('data.bin')]);
    expect(up.code, up.stderr).to.equal(0);
    const down = await runCli(['decrypt', '-i', at('alice.key'), '-o', at('restored.bin'), presignUrl({ method: 'GET', ...credentials })]);
    expect(down.code, down.stderr).to.equal(0);
    const inspect = await runCli(['inspect', '--json', presignUrl({ method: 'GET', ...credentials })]);
    expect(JSON.parse(inspect.stdout.toString())).to.include({ payloadSize: plaintext.length, ciphertextSize: ciphertextSize(plaintext.length) });
  });
});
