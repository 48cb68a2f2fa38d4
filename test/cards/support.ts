/**
 * Test support for cards and directories: error assertions by code, and key
 * pairs with their cards.
 */
import { expect } from 'chai';
import { type Card, createCard } from '../../lib/cards/card.js';
import type { ErrorCode } from '../../lib/errors.js';
import { type KeyPair, generateKeyPair } from '../../lib/keys/keys.js';

/** Runs `run`, which must throw an error with `code`; returns the error. */
export function throwsCode(run: () => unknown, code: ErrorCode): Error & { code: string } {
  try {
    run();
  } catch (error) {
    expect(error, String(error)).to.have.property('code', code);
    return error as Error & { code: string };
  }
  expect.fail(`expected ${code}, nothing was thrown`);
}

/** Awaits `promise`, which must reject with `code`; returns the error. */
export async function rejectsCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error & { code: string; statusCode?: number }> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  expect(outcome, String(outcome)).to.have.property('code', code);
  return outcome as Error & { code: string };
}

/** A key pair and its self-signed card. */
export interface Holder {
  keys: KeyPair;
  card: Card;
}

/** A fresh key pair with a card for `identity` on `device`. */
export function makeHolder(identity: string, device?: string): Holder {
  const keys = generateKeyPair();
  return { keys, card: createCard(keys, { identity, device }) };
}
