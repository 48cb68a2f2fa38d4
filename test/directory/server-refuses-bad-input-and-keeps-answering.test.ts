import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { addSignature } from '../../lib/cards/card.js';
import { createRevocation } from '../../lib/cards/revocation.js';
import { openDirectory } from '../../lib/directory/client.js';
import { type DirectoryServer, startDirectory } from '../../lib/directory/server.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { makeHolder, rejectsCode } from '../cards/support.js';
import { makeTempDir, removeTempDirs, sendRaw } from './support.js';

const REQUEST_TIMEOUT_MS = 400;

/** Writes `raw` on a fresh connection and collects everything the server sends until it closes. */
function exchangeRaw(url: string, raw: string): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.once('close', () => resolve({ text, ms: Date.now() - started }));
    socket.once('error', reject);
  });
}

describe('the server refuses bad input with a 4xx and keeps answering', () => {
  let server: DirectoryServer;
  let cards: string;

  before(async () => {
    server = await startDirectory({ dataDir: await makeTempDir(), requestTimeoutMs: REQUEST_TIMEOUT_MS });
    cards = `${server.url}/v1/cards`;
  });

  afterEach(async () => {
    // Whatever the test sent, the server is still up and still accepts a good card.
    expect((await sendRaw(`${server.url}/v1/health`, 'GET')).statusCode).to.equal(200);
    const { card } = makeHolder('still-working');
    expect((await sendRaw(cards, 'POST', JSON.stringify({ card: card.export() }))).statusCode).to.equal(201);
  });

  after(async () => {
    await server.close();
    await removeTempDirs();
  });

  it('a tampered card gets 400 ERR_CARD_SIGNATURE', async () => {
    const bytes = makeHolder('bob').card.toBytes();
    bytes[bytes.length - 1]! ^= 1;
    const answer = await sendRaw(cards, 'POST', bytes, 'application/cbor');
    expect(answer).to.deep.include({ statusCode: 400 });
    expect(answer.json).to.have.property('code', 'ERR_CARD_SIGNATURE');
  });

  it('a card sent under a wrong id gets 400 ERR_CARD_ID', async () => {
    const { card } = makeHolder('bob');
    const answer = await sendRaw(cards, 'POST', JSON.stringify({ id: makeHolder('bob').card.id, card: card.export() }));
    expect(answer.statusCode).to.equal(400);
    expect(answer.json).to.have.property('code', 'ERR_CARD_ID');
  });

  it('a path whose id is not 64 lowercase hex digits gets 400 ERR_DIRECTORY_REQUEST', async () => {
    const { card } = makeHolder('bob');
    expect((await sendRaw(cards, 'POST', JSON.stringify({ card: card.export() }))).statusCode).to.equal(201);
    expect((await sendRaw(`${cards}/${card.id}`, 'GET')).statusCode).to.equal(200);
    for (const path of [`cards/${card.id.toUpperCase()}`, `cards/${card.id.slice(1)}`, `revocations/${card.id}0`]) {
      const answer = await sendRaw(`${server.url}/v1/${path}`, 'GET');
      expect(answer.statusCode, path).to.equal(400);
      expect(answer.json, path).to.have.property('code', 'ERR_DIRECTORY_REQUEST');
    }
  });

  it('an oversize body gets 413, whether declared or streamed', async () => {
    const declared = await sendRaw(cards, 'POST', JSON.stringify({ card: 'x'.repeat(100_000) }));
    expect(declared.statusCode).to.equal(413);
    expect(declared.json).to.have.property('code', 'ERR_DIRECTORY_REQUEST');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 20; i++) yield new Uint8Array(8192).fill(0x20);
    }
    // No Content-Length: the server counts as it reads, answers 413 mid-upload and closes.
    const streamed = await request(cards, { method: 'POST', body: Readable.from(chunks()), headers: { 'content-type': 'application/json' } });
    expect(streamed.statusCode).to.equal(413);
    expect(JSON.parse(await streamed.body.text())).to.have.property('code', 'ERR_DIRECTORY_REQUEST');
  });

  it('malformed bodies get 400 or 415 with a code', async () => {
    const cases: [string, string | Uint8Array, string, number, string][] = [
      ['not JSON', '{"card": ', 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['a JSON array', '[]', 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['a missing field', '{}', 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['an unknown field', JSON.stringify({ card: makeHolder('b').card.export(), extra: 1 }), 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['a card that is a number', '{"card": 7}', 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['a card text that is not base64url', '{"card": "cardseal_card1_$$$"}', 'application/json', 400, 'ERR_CARD_FORMAT'],
      ['CBOR that is not a card', Uint8Array.of(0xa1, 0x01, 0x01), 'application/cbor', 400, 'ERR_CARD_FORMAT'],
      ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d), 'application/json', 400, 'ERR_DIRECTORY_REQUEST'],
      ['a text body', 'hello', 'text/plain', 415, 'ERR_DIRECTORY_REQUEST'],
    ];
    for (const [what, body, type, status, code] of cases) {
      const answer = await sendRaw(cards, 'POST', body, type);
      expect(answer.statusCode, what).to.equal(status);
      expect(answer.json, what).to.have.property('code', code);
      expect(answer.json, what).to.have.property('message').that.is.a('string');
    }
  });

  it('bad searches, ids, paths and methods get 400, 404 and 405', async () => {
    const search = `${server.url}/v1/search`;
    expect((await sendRaw(search, 'POST', JSON.stringify({ identities: Array.from({ length: 65 }, (_, i) => `u${i}`) }))).statusCode).to.equal(400);
    expect((await sendRaw(search, 'POST', JSON.stringify({ identities: ['bo\u0000b'] }))).statusCode).to.equal(400);
    expect((await sendRaw(search, 'POST', JSON.stringify({ identities: [7] }))).statusCode).to.equal(400);
    expect((await sendRaw(`${cards}/not-an-id`, 'GET')).statusCode).to.equal(400);
    expect((await sendRaw(`${server.url}/v2/cards`, 'GET')).statusCode).to.equal(404);
    expect((await sendRaw(cards, 'GET')).statusCode).to.equal(405);
  });

  it('random bodies on every write and search path get a 4xx JSON error, never a 5xx', async () => {
    const paths = ['/v1/cards', '/v1/search', '/v1/revocations'];
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...paths),
      fc.oneof(fc.json().map((text) => [text, 'application/json'] as const), fc.uint8Array({ maxLength: 300 }).map((bytes) => [bytes, 'application/cbor'] as const)),
      async (path, [body, type]) => {
        const answer = await sendRaw(`${server.url}${path}`, 'POST', body, type);
        if (answer.statusCode === 200) return;
        expect(answer.statusCode).to.be.within(400, 499);
        expect(answer.json).to.have.property('code').that.matches(/^ERR_(CARD|DIRECTORY)_/);
      },
    ), { numRuns: 150 });
  });

  it('a search for "__proto__" is an ordinary identity', async () => {
    const answer = await sendRaw(`${server.url}/v1/search`, 'POST', JSON.stringify({ identities: ['__proto__', 'constructor'] }));
    expect(answer.statusCode).to.equal(200);
    expect(answer.json).to.deep.equal(JSON.parse('{"results": {"__proto__": [], "constructor": []}}'));
    const client = openDirectory(server.url);
    expect((await client.findMany(['__proto__'])).get('__proto__')).to.deep.equal([]);
    await client.close();
  });

  it('a body trickled too slowly gets 408 and the connection is closed', async () => {
    const { text, ms } = await exchangeRaw(server.url, 'POST /v1/cards HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"card"');
    expect(text).to.match(/^HTTP\/1\.1 408 /);
    expect(text).to.include('ERR_DIRECTORY_REQUEST');
    expect(ms).to.be.below(REQUEST_TIMEOUT_MS + 3000);
  });

  it('a malformed HTTP request gets 400', async () => {
    const { text } = await exchangeRaw(server.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 400 /);
  });

  it('a revocation by a stranger is refused, one by the card key accepted', async () => {
    const bob = makeHolder('bob');
    await sendRaw(cards, 'POST', JSON.stringify({ card: bob.card.export() }));
    const stranger = generateKeyPair();
    const revocations = `${server.url}/v1/revocations`;
    const forged = createRevocation(bob.card, stranger.privateKey, { signerName: 'admin' });
    const refused = await sendRaw(revocations, 'POST', JSON.stringify({ revocation: forged.export() }));
    expect(refused.statusCode).to.equal(403);
    expect(refused.json).to.have.property('code', 'ERR_CARD_UNTRUSTED');
    const unknownCard = createRevocation(makeHolder('bob').card, stranger.privateKey, { signerName: 'admin' });
    expect((await sendRaw(revocations, 'POST', JSON.stringify({ revocation: unknownCard.export() }))).statusCode).to.equal(404);
    const genuine = createRevocation(bob.card, bob.keys.privateKey);
    expect((await sendRaw(revocations, 'POST', genuine.toBytes(), 'application/cbor')).statusCode).to.equal(201);
  });

  it('a card is served immutable by id, as JSON or CBOR, with an ETag', async () => {
    const { card } = makeHolder('bob');
    await sendRaw(cards, 'POST', JSON.stringify({ card: card.export() }));
    const json = await request(`${cards}/${card.id}`);
    expect(json.headers['cache-control']).to.include('immutable');
    expect(JSON.parse(await json.body.text())).to.deep.equal({ id: card.id, card: card.export() });
    const cbor = await request(`${cards}/${card.id}`, { headers: { accept: 'application/cbor' } });
    expect(Buffer.from(await cbor.body.arrayBuffer())).to.deep.equal(Buffer.from(card.toBytes()));
    const cached = await request(`${cards}/${card.id}`, { headers: { 'if-none-match': `"${card.id}"` } });
    await cached.body.dump();
    expect(cached.statusCode).to.equal(304);
  });
});

describe('servers that require app tokens and authority signatures', () => {
  after(removeTempDirs);

  it('writes without the app token get 401; reads need none', async () => {
    const token = 'a-long-enough-app-token';
    const server = await startDirectory({ dataDir: await makeTempDir(), requireAppToken: token });
    const anonymous = openDirectory(server.url);
    const app = openDirectory(server.url, { appToken: token });
    try {
      const bob = makeHolder('bob');
      const refused = await rejectsCode(anonymous.publish(bob.card), 'ERR_DIRECTORY_HTTP');
      expect(refused.statusCode).to.equal(401);
      await app.publish(bob.card);
      expect(await anonymous.find('bob')).to.have.length(1);
      expect((await rejectsCode(anonymous.revoke(bob.card, bob.keys.privateKey), 'ERR_DIRECTORY_HTTP')).statusCode).to.equal(401);
      await app.revoke(bob.card, bob.keys.privateKey);
    } finally {
      await anonymous.close();
      await app.close();
      await server.close();
    }
  });

  it('with required endorsements, only authority-signed cards are published, and the authority can revoke', async () => {
    const admin = generateKeyPair();
    const authorities = [{ name: 'admin', publicKey: admin.publicKey }];
    const server = await startDirectory({ dataDir: await makeTempDir(), authorities, requireEndorsement: true });
    const trusting = openDirectory(server.url, { trustedSigners: authorities });
    const naive = openDirectory(server.url);
    try {
      const bob = makeHolder('bob');
      const refused = await rejectsCode(trusting.publish(bob.card), 'ERR_DIRECTORY_HTTP');
      expect(refused.statusCode).to.equal(403);
      expect(refused.cause).to.have.property('code', 'ERR_CARD_UNTRUSTED');
      const endorsed = addSignature(bob.card, 'admin', admin.privateKey);
      await trusting.publish(endorsed);
      expect((await trusting.find('bob')).map((c) => c.id)).to.deep.equal([endorsed.id]);
      await trusting.revoke(endorsed, admin.privateKey, { signerName: 'admin', reason: 'left the company' });
      expect(await trusting.find('bob')).to.deep.equal([]);
      await rejectsCode(trusting.get(endorsed.id), 'ERR_CARD_REVOKED');
      // A client that does not know the authority cannot check its revocation, and says so.
      await rejectsCode(naive.get(endorsed.id), 'ERR_CARD_UNTRUSTED');
    } finally {
      await trusting.close();
      await naive.close();
      await server.close();
    }
  });
});
