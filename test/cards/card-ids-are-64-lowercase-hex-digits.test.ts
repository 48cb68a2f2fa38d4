/**
 * lib/cards/card.ts `isCardId`: the one form of a card id, the lowercase hex
 * SHA-256 of the content (spec/directory.md §2.1, §5.2), which the card module,
 * the directory fronts and the server all check with.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { toHex } from '../../lib/bytes.js';
import { isCardId, parseCardId } from '../../lib/cards/card.js';
import { assertCardId } from '../../lib/directory/checks.js';
import { makeHolder } from './support.js';

describe('card ids are 64 lowercase hex digits', () => {
  const { card } = makeHolder('bob');
  const notIds: unknown[] = [
    card.id.toUpperCase(),
    card.id.slice(1),
    `${card.id}0`,
    `g${card.id.slice(1)}`,
    ` ${card.id}`,
    `${card.id}\n`,
    '',
    undefined,
    42,
    Buffer.from(card.id, 'hex'),
  ];

  it('a card\'s own id has the form, and parses to the SHA-256 of its content', () => {
    expect(isCardId(card.id)).to.equal(true);
    expect(toHex(parseCardId(card.id)!)).to.equal(createHash('sha256').update(card.contentBytes()).digest('hex'));
  });

  it('anything else is no card id: isCardId is false, parseCardId undefined, assertCardId a RangeError', () => {
    for (const value of notIds) {
      const label = String(value).slice(0, 70);
      expect(isCardId(value), label).to.equal(false);
      expect(parseCardId(value as string), label).to.equal(undefined);
      expect(() => assertCardId(value as string), label).to.throw(RangeError, 'a card id must be 64 lowercase hex digits');
    }
    expect(() => assertCardId(card.id)).to.not.throw();
  });
});
