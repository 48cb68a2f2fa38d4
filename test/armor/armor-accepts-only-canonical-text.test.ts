import { expect } from 'chai';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { ARMOR_BEGIN, ARMOR_END, ArmorReader, ArmorWriter, armorBytes, armoredSize, dearmorText, detectArmor } from '../../lib/armor/armor.js';

/** The armor as RFC 4648 base64 cut into 64-character lines: an oracle independent of ArmorWriter. */
function expectedArmor(bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString('base64').match(/.{1,64}/g) ?? [];
  return `${ARMOR_BEGIN}\n${lines.map((l) => `${l}\n`).join('')}${ARMOR_END}\n`;
}

/** Feeds `text` one byte per write, so every incremental path of the reader runs. */
function dearmorByteByByte(text: string): Uint8Array {
  const reader = new ArmorReader();
  const parts: Buffer[] = [];
  for (const byte of Buffer.from(text, 'latin1')) parts.push(...reader.write(Uint8Array.of(byte)));
  reader.end();
  return Buffer.concat(parts);
}

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

const begin = `${ARMOR_BEGIN}\n`;
const end = `${ARMOR_END}\n`;
const fullLine = 'A'.repeat(64);

describe('armor: canonical form', () => {
  it('matches base64 in 64-character lines between BEGIN and END, at every length around line and padding boundaries', () => {
    for (const length of [0, 1, 2, 3, 4, 46, 47, 48, 49, 95, 96, 97, 1000, 4096, 65_537]) {
      const bytes = randomBytes(length);
      const text = armorBytes(bytes);
      expect(text, `length ${length}`).to.equal(expectedArmor(bytes));
      expect(text.length, `armoredSize(${length})`).to.equal(armoredSize(length));
      expect(Buffer.from(dearmorText(text)).equals(bytes), `round trip ${length}`).to.equal(true);
      expect(Buffer.from(dearmorByteByByte(text)).equals(bytes), `byte by byte ${length}`).to.equal(true);
    }
  });

  it('gives the same text and the same bytes back however the input is cut into writes (property)', () => {
    const cut = (bytes: Uint8Array, points: number[]): Uint8Array[] => {
      const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
      return [...at, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : at[i - 1]!, end));
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (bytes, writeCuts, readCuts) => {
        const writer = new ArmorWriter();
        const text = Buffer.concat([...cut(bytes, writeCuts).map((part) => writer.write(part)), writer.end()]);
        expect(text.toString('latin1')).to.equal(armorBytes(bytes));
        const reader = new ArmorReader();
        const back = Buffer.concat(cut(text, readCuts).flatMap((part) => reader.write(part)));
        reader.end();
        expect(back.equals(Buffer.from(bytes))).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the END line without its final newline, and an empty body', () => {
    const text = armorBytes(Buffer.from('hello'));
    expect(Buffer.from(dearmorText(text.slice(0, -1))).toString()).to.equal('hello');
    expect(Buffer.from(dearmorByteByByte(text.slice(0, -1))).toString()).to.equal('hello');
    expect(dearmorText(begin + end)).to.have.length(0);
  });

  it('detects armor from the first bytes: undecided on a prefix of BEGIN, binary on the first differing byte', () => {
    expect(detectArmor(Buffer.from(''))).to.equal('undecided');
    expect(detectArmor(Buffer.from('-----BEG'))).to.equal('undecided');
    expect(detectArmor(Buffer.from(ARMOR_BEGIN))).to.equal('armor');
    expect(detectArmor(Buffer.from('cardseal/v1\n'))).to.equal('binary');
    expect(detectArmor(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----'))).to.equal('binary');
  });
});

describe('armor: strict decoding rejects every non-canonical form with ERR_ARMOR_FORMAT', () => {
  const cases: [string, string][] = [
    ['empty input', ''],
    ['BEGIN line only, no newline', ARMOR_BEGIN],
    ['another BEGIN marker', `-----BEGIN AGE ENCRYPTED FILE-----\n${end}`],
    ['whitespace before BEGIN', ` ${begin}QQ==\n${end}`],
    ['newline before BEGIN', `\n${begin}QQ==\n${end}`],
    ['CRLF after BEGIN', `${ARMOR_BEGIN}\r\nQQ==\n${end}`],
    ['CRLF after a data line', `${begin}QQ==\r\n${end}`],
    ['CRLF after END', `${begin}QQ==\n${ARMOR_END}\r\n`],
    ['a blank line after BEGIN', `${begin}\nQQ==\n${end}`],
    ['a blank line before END', `${begin}QQ==\n\n${end}`],
    ['a line of 65 characters', `${begin}${fullLine}AAAA\n${end}`],
    ['a 68-character line', `${begin}${'A'.repeat(68)}\n${end}`],
    ['a short line before a full one', `${begin}AAAA\n${fullLine}\n${end}`],
    ['a short line before another short one', `${begin}AAAA\nAAAA\n${end}`],
    ['a padded full line before another line', `${begin}${'A'.repeat(62)}==\nAAAA\n${end}`],
    ['a length that is not a multiple of 4', `${begin}QUJ\n${end}`],
    ['URL-safe alphabet', `${begin}${'A'.repeat(60)}ab-_\n${end}`],
    ['a space inside a line', `${begin}QU JD\n${end}`],
    ['a tab at the end of a line', `${begin}QUJD\t\n${end}`],
    ['a non-ASCII character', `${begin}QUJ\u00e9\n${end}`],
    ['padding inside the line', `${begin}QQ==QUJD\n${end}`],
    ['three padding characters', `${begin}Q===\n${end}`],
    ['non-zero bits under one padding character', `${begin}QUJ=\n${end}`],
    ['non-zero bits under two padding characters', `${begin}QR==\n${end}`],
    ['missing END line', `${begin}QUJD\n`],
    ['missing END after a full line', `${begin}${fullLine}\n`],
    ['END line cut short', `${begin}QUJD\n-----END CARDSEAL FI`],
    ['another END marker', `${begin}QUJD\n-----END AGE ENCRYPTED FILE-----\n`],
    ['END marker in lower case', `${begin}QUJD\n${ARMOR_END.toLowerCase()}\n`],
    ['a second newline after END', `${begin}QUJD\n${end}\n`],
    ['text after END', `${begin}QUJD\n${end}x`],
    ['a second armor after END', `${begin}QUJD\n${end}${begin}QUJD\n${end}`],
    ['a data line too long with no newline', `${begin}${'A'.repeat(200)}`],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      expect(codeOf(() => dearmorText(text)), 'whole').to.equal('ERR_ARMOR_FORMAT');
      expect(codeOf(() => dearmorByteByByte(text)), 'byte by byte').to.equal('ERR_ARMOR_FORMAT');
    });
  }

  it('names the offending line in the message', () => {
    const error = (() => {
      try {
        dearmorText(`${begin}${fullLine}\n${fullLine}\nAA-A\n${end}`);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).to.match(/line 4/);
  });
});
