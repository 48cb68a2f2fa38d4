/**
 * lib/crypto (node.ts, noble.ts, kdf.ts): each backend reproduces the published
 * RFC vectors, and the two backends agree with each other on random inputs,
 * including the all-zero answer for low-order X25519 points.
 *
 * Every vector below is typed from the RFC section named beside it.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { concatBytes, toHex, utf8 } from '../../lib/bytes.js';
import type { CryptoBackend } from '../../lib/crypto/backend.js';
import { LABELS, hkdf, hkdfExpand, hkdfExtract } from '../../lib/crypto/kdf.js';
import { nobleBackend } from '../../lib/crypto/noble.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { resolveBackend } from '../../lib/crypto/index.js';
import { FIELD_PRIME_POINT, LOW_ORDER_POINTS, hexBytes, thrownBy } from './support.js';

const BACKENDS: CryptoBackend[] = [nodeBackend, nobleBackend];

// RFC 8439 §2.8.2: AEAD_CHACHA20_POLY1305 example.
const RFC8439_AEAD = {
  key: hexBytes('80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f 90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f'),
  // 32-bit fixed-common part 07 00 00 00, then IV 40 41 42 43 44 45 46 47.
  nonce: hexBytes('07 00 00 00 40 41 42 43 44 45 46 47'),
  aad: hexBytes('50 51 52 53 c0 c1 c2 c3 c4 c5 c6 c7'),
  plaintext: utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
  ciphertext: hexBytes(`
    d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2 a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6
    3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b 1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36
    92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58 fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc
    3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b 61 16`),
  tag: hexBytes('1a:e1:0b:59:4f:09:e2:6a:7e:90:2e:cb:d0:60:06:91'),
};

// RFC 7748 §5.2: the two X25519 scalar-multiplication vectors (the second u has its top bit set).
const RFC7748_SCALAR_MULT = [
  {
    scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
  },
  {
    scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
    u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
    out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
  },
];

// RFC 7748 §6.1: Diffie-Hellman between Alice and Bob.
const RFC7748_DH = {
  alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
};

// RFC 8032 §7.1, TEST 1: Ed25519 over the empty message.
const RFC8032_TEST1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

// RFC 5869 Appendix A.1, Test Case 1: HKDF-SHA-256.
const RFC5869_CASE1 = {
  ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
  salt: '000102030405060708090a0b0c',
  info: 'f0f1f2f3f4f5f6f7f8f9',
  prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
  okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
};

// RFC 7914 §12: the first two scrypt vectors (N = 16 and N = 1024).
const RFC7914_SCRYPT = [
  {
    passphrase: '', salt: '', logN: 4, r: 1, p: 1,
    out: '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906',
  },
  {
    passphrase: 'password', salt: 'NaCl', logN: 10, r: 8, p: 16,
    out: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
  },
];

// FIPS 180-2 Appendix B.1 (SHA-256 of "abc") and RFC 4231 §4.3, Test Case 2 (HMAC-SHA-256).
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const RFC4231_CASE2 = { key: 'Jefe', data: 'what do ya want for nothing?', mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' };

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce12 = fc.uint8Array({ minLength: 12, maxLength: 12 });

describe('crypto backends (lib/crypto)', () => {
  for (const backend of BACKENDS) {
    describe(`${backend.name} against published vectors`, () => {
      it('seals and opens the RFC 8439 §2.8.2 AEAD example', () => {
        const { key, nonce, aad, plaintext, ciphertext, tag } = RFC8439_AEAD;
        const sealed = backend.seal(key, nonce, plaintext, aad);
        expect(toHex(sealed)).to.equal(toHex(concatBytes(ciphertext, tag)));
        expect(backend.open(key, nonce, sealed, aad)).to.deep.equal(plaintext);
        const forged = sealed.slice();
        forged[forged.length - 1] ^= 1;
        expect(backend.open(key, nonce, forged, aad)).to.equal(undefined);
        expect(backend.open(key, nonce, sealed, aad.subarray(1))).to.equal(undefined);
        expect(backend.open(key, nonce, sealed.subarray(0, 15), aad)).to.equal(undefined);
      });

      it('computes the RFC 7748 §5.2 scalar multiplications and §6.1 key agreement', () => {
        for (const { scalar, u, out } of RFC7748_SCALAR_MULT) expect(toHex(backend.createX25519(hexBytes(scalar)).agree(hexBytes(u)))).to.equal(out);
        const alice = backend.createX25519(hexBytes(RFC7748_DH.alicePrivate));
        const bob = backend.createX25519(hexBytes(RFC7748_DH.bobPrivate));
        expect(toHex(alice.publicKey)).to.equal(RFC7748_DH.alicePublic);
        expect(toHex(bob.publicKey)).to.equal(RFC7748_DH.bobPublic);
        expect(toHex(alice.agree(bob.publicKey))).to.equal(RFC7748_DH.shared);
        expect(toHex(bob.agree(alice.publicKey))).to.equal(RFC7748_DH.shared);
      });

      it('answers all zeros for every low-order peer point', () => {
        const own = backend.createX25519(hexBytes(RFC7748_DH.alicePrivate));
        for (const point of [...LOW_ORDER_POINTS, FIELD_PRIME_POINT]) expect(toHex(own.agree(hexBytes(point))), point).to.equal('00'.repeat(32));
      });

      it('derives, signs and verifies RFC 8032 §7.1 TEST 1', () => {
        const seed = hexBytes(RFC8032_TEST1.secret);
        expect(toHex(backend.ed25519PublicKey(seed))).to.equal(RFC8032_TEST1.public);
        expect(toHex(backend.ed25519Sign(seed, new Uint8Array(0)))).to.equal(RFC8032_TEST1.signature);
        const publicKey = hexBytes(RFC8032_TEST1.public);
        const signature = hexBytes(RFC8032_TEST1.signature);
        expect(backend.ed25519Verify(publicKey, new Uint8Array(0), signature)).to.equal(true);
        expect(backend.ed25519Verify(publicKey, Uint8Array.of(0), signature)).to.equal(false);
        expect(backend.ed25519Verify(publicKey, new Uint8Array(0), signature.subarray(1))).to.equal(false);
      });

      it('computes RFC 5869 Test Case 1 with HKDF on its HMAC', () => {
        const { ikm, salt, info, prk, okm } = RFC5869_CASE1;
        expect(toHex(hkdfExtract(backend, hexBytes(ikm), hexBytes(salt)))).to.equal(prk);
        expect(toHex(hkdfExpand(backend, hexBytes(prk), hexBytes(info), 42))).to.equal(okm);
        expect(toHex(hkdf(backend, hexBytes(ikm), hexBytes(salt), hexBytes(info), 42))).to.equal(okm);
      });

      it('computes the RFC 7914 §12 scrypt vectors', async () => {
        for (const { passphrase, salt, logN, r, p, out } of RFC7914_SCRYPT) {
          expect(toHex(await backend.scrypt(utf8(passphrase), utf8(salt), logN, r, p, 64))).to.equal(out);
        }
      });

      it('computes SHA-256 of "abc" (FIPS 180-2) and HMAC-SHA-256 of RFC 4231 Test Case 2', () => {
        expect(toHex(backend.sha256(utf8('abc')))).to.equal(SHA256_ABC);
        const stream = backend.createSha256();
        stream.update(utf8('a'));
        stream.update(utf8('bc'));
        expect(toHex(stream.digest())).to.equal(SHA256_ABC);
        expect(toHex(backend.hmacSha256(utf8(RFC4231_CASE2.key), utf8(RFC4231_CASE2.data)))).to.equal(RFC4231_CASE2.mac);
        expect(toHex(backend.hmacSha256(utf8(RFC4231_CASE2.key), utf8('what do ya '), utf8('want for nothing?')))).to.equal(RFC4231_CASE2.mac);
      });

      it('draws random bytes of the asked length that differ between calls', () => {
        const a = backend.randomBytes(32);
        expect(a.length).to.equal(32);
        expect(toHex(a)).to.not.equal(toHex(backend.randomBytes(32)));
        expect(backend.randomBytes(0).length).to.equal(0);
      });
    });
  }

  describe('node and noble against each other', () => {
    it('seal identically and open each other\'s output, with and without associated data', () => {
      fc.assert(
        fc.property(bytes32, nonce12, fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), (key, nonce, plaintext, aad) => {
          const fromNode = nodeBackend.seal(key, nonce, plaintext, aad);
          expect(toHex(nobleBackend.seal(key, nonce, plaintext, aad))).to.equal(toHex(fromNode));
          expect(toHex(nobleBackend.open(key, nonce, fromNode, aad)!)).to.equal(toHex(plaintext));
          expect(toHex(nodeBackend.open(key, nonce, nobleBackend.seal(key, nonce, plaintext), undefined)!)).to.equal(toHex(plaintext));
        }),
        { numRuns: 150 },
      );
    });

    it('seal a plaintext in pieces exactly as seal does it whole, and openParts accepts either backend\'s parts', () => {
      fc.assert(
        fc.property(bytes32, nonce12, fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 4 }), (key, nonce, plaintext, cuts) => {
          const whole = toHex(nodeBackend.seal(key, nonce, plaintext));
          const bounds = [0, ...cuts.map((cut) => Math.min(cut, plaintext.length)).sort((a, b) => a - b), plaintext.length];
          const segments = bounds.slice(1).map((end, i) => plaintext.subarray(bounds[i], end));
          for (const sealer of BACKENDS) {
            const sealed = sealer.sealSegments(key, nonce, segments);
            const ciphertext = concatBytes(...sealed.ciphertext);
            const { tag } = sealed;
            expect(tag.length).to.equal(16);
            expect(toHex(ciphertext) + toHex(tag)).to.equal(whole);
            for (const opener of BACKENDS) {
              expect(toHex(opener.openParts(key, nonce, ciphertext, tag)!)).to.equal(toHex(plaintext));
              const badTag = tag.slice();
              badTag[0] ^= 0x80;
              expect(opener.openParts(key, nonce, ciphertext, badTag)).to.equal(undefined);
            }
          }
        }),
        { numRuns: 100 },
      );
    });

    it('derive the same X25519 public keys and shared secrets', () => {
      fc.assert(
        fc.property(bytes32, bytes32, (a, b) => {
          const [nodeA, nobleA] = [nodeBackend.createX25519(a), nobleBackend.createX25519(a)];
          const [nodeB, nobleB] = [nodeBackend.createX25519(b), nobleBackend.createX25519(b)];
          expect(toHex(nobleA.publicKey)).to.equal(toHex(nodeA.publicKey));
          const shared = toHex(nodeA.agree(nodeB.publicKey));
          expect(toHex(nobleA.agree(nodeB.publicKey))).to.equal(shared);
          expect(toHex(nobleB.agree(nobleA.publicKey))).to.equal(shared);
          expect(toHex(nodeB.agree(nobleA.publicKey))).to.equal(shared);
        }),
        { numRuns: 50 },
      );
    });

    it('make identical Ed25519 signatures and verify each other\'s, rejecting a non-canonical S', () => {
      const L = (1n << 252n) + 27742317777372353535851937790883648493n;
      fc.assert(
        fc.property(bytes32, fc.uint8Array({ maxLength: 200 }), (seed, message) => {
          const publicKey = nodeBackend.ed25519PublicKey(seed);
          expect(toHex(nobleBackend.ed25519PublicKey(seed))).to.equal(toHex(publicKey));
          const signature = nodeBackend.ed25519Sign(seed, message);
          expect(toHex(nobleBackend.ed25519Sign(seed, message))).to.equal(toHex(signature));
          for (const verifier of BACKENDS) expect(verifier.ed25519Verify(publicKey, message, signature)).to.equal(true);
          // S + L verifies under the group law but is not the canonical encoding (RFC 8032 §5.1.7).
          const s = BigInt('0x' + toHex(signature.slice(32).reverse())) + L;
          const malleated = concatBytes(signature.subarray(0, 32), hexBytes(s.toString(16).padStart(64, '0')).reverse());
          for (const verifier of BACKENDS) expect(verifier.ed25519Verify(publicKey, message, malleated), verifier.name).to.equal(false);
        }),
        { numRuns: 30 },
      );
    });

    it('agree on HMAC, SHA-256 and HKDF for random inputs, however the input is split', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 300 }), fc.nat(300), (key, data, cut) => {
          const mac = toHex(nodeBackend.hmacSha256(key, data));
          const at = Math.min(cut, data.length);
          for (const backend of BACKENDS) {
            expect(toHex(backend.hmacSha256(key, data.subarray(0, at), data.subarray(at)))).to.equal(mac);
            expect(toHex(backend.sha256(data))).to.equal(toHex(nodeBackend.sha256(data)));
            expect(toHex(hkdf(backend, data, key, LABELS.payload, 80))).to.equal(toHex(hkdf(nodeBackend, data, key, LABELS.payload, 80)));
          }
        }),
        { numRuns: 100 },
      );
    });

    it('agree on scrypt for random passphrases and salts', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 1, max: 6 }), async (passphrase, salt, logN) => {
          const [a, b] = await Promise.all(BACKENDS.map((backend) => backend.scrypt(passphrase, salt, logN, 8, 1, 32)));
          expect(toHex(a!)).to.equal(toHex(b!));
        }),
        { numRuns: 20 },
      );
    });
  });

  describe('selection and HKDF bounds', () => {
    it('resolves names to backends, node by default, and refuses unknown names with RangeError', () => {
      expect(resolveBackend(undefined)).to.equal(nodeBackend);
      expect(resolveBackend('noble')).to.equal(nobleBackend);
      expect(resolveBackend(nobleBackend)).to.equal(nobleBackend);
      expect(thrownBy(() => resolveBackend('openssl' as 'node'))).to.be.instanceOf(RangeError);
    });

    it('refuses HKDF output longer than 255 blocks with RangeError', () => {
      expect(hkdfExpand(nodeBackend, new Uint8Array(32), new Uint8Array(0), 255 * 32).length).to.equal(255 * 32);
      expect(thrownBy(() => hkdfExpand(nodeBackend, new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1))).to.be.instanceOf(RangeError);
    });
  });
});
