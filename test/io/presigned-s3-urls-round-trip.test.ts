import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { download } from '../../lib/io/download.js';
import { upload } from '../../lib/io/upload.js';
import { ciphertextSize, decryptWith, encryptFor, generateKeyPair } from '../../lib/index.js';
import { presignUrl } from './sigv4.js';
import { rejectionOf, withinTime } from './http-fixtures.js';

const BUCKET = 'backups';
// s3rver's built-in account.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

describe('presigned URLs (SigV4)', () => {
  it('reproduces the signature of the published AWS example (GET examplebucket/test.txt)', () => {
    const url = presignUrl({
      method: 'GET',
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'examplebucket',
      key: 'test.txt',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      date: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86_400,
      virtualHost: true,
    });
    expect(new URL(url).searchParams.get('X-Amz-Signature')).to.equal('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
  });
});

describe('upload and download against an S3-compatible server (s3rver)', function () {
  let dir: string;
  let server: S3rver;
  let endpoint: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardseal-s3-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const presign = (method: string, key: string): string => presignUrl({ method, endpoint, bucket: BUCKET, key, ...CREDENTIALS });

  it('PUTs an encrypted file with the exact Content-Length, then GETs and decrypts it', async () => {
    const { publicKey, privateKey } = generateKeyPair();
    const plainPath = join(dir, 'backup.tar');
    const plaintext = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(plainPath, plaintext);
    const contentLength = ciphertextSize(statSync(plainPath).size);
    const md5 = createHash('md5');
    const tee = new PassThrough();
    tee.on('data', (chunk: Buffer) => md5.update(chunk));
    const sink = upload(presign('PUT', 'daily/backup.tar.cardseal'), { contentLength });
    await withinTime(pipeline(createReadStream(plainPath), encryptFor([publicKey]), tee, sink), 20_000, 'upload');
    const answer = await sink.response;
    expect(answer.statusCode).to.equal(200);
    expect(answer.etag).to.equal(`"${md5.digest('hex')}"`);

    const parts: Buffer[] = [];
    const source = download(presign('GET', 'daily/backup.tar.cardseal'));
    await withinTime(
      pipeline(
        source,
        decryptWith(privateKey),
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            parts.push(chunk);
            callback();
          },
        }),
      ),
      20_000,
      'download',
    );
    expect((await source.response).contentLength).to.equal(contentLength);
    expect(Buffer.concat(parts).equals(plaintext)).to.equal(true);
  });

  it('a GET of a missing key fails with ERR_HTTP_STATUS 404 and the S3 error code', async () => {
    const error = await rejectionOf(withinTime(pipeline(download(presign('GET', 'missing')), new PassThrough().resume()), 10_000, 'download'));
    expect(error.code).to.equal('ERR_HTTP_STATUS');
    expect(error.statusCode).to.equal(404);
    expect(error.message).to.include('NoSuchKey');
  });
});
