/**
 * Backend selection. `node` is the default on Node; `noble` is the portable
 * one, loaded on first use: its modules cost about 10 MiB of memory and 70 ms
 * to load, which a process that never asks for it should not pay.
 */
import { createRequire } from 'node:module';
import type { BackendName, CryptoBackend } from './backend.js';
import { nodeBackend } from './node.js';

export type { BackendName, CryptoBackend, Sha256Stream, X25519Agreement } from './backend.js';

/** The default backend: node:crypto. */
export const DEFAULT_BACKEND: CryptoBackend = nodeBackend;

let noble: CryptoBackend | undefined;

/** The noble backend, loaded now if it was not yet (a synchronous require of an ES module, Node ≥ 20.19). */
function nobleBackend(): CryptoBackend {
  noble ??= (createRequire(import.meta.url)('./noble.js') as typeof import('./noble.js')).nobleBackend;
  return noble;
}

const BACKENDS: Record<BackendName, () => CryptoBackend> = { node: () => nodeBackend, noble: nobleBackend };

/** Resolves a backend name or object; undefined gives the default. Throws RangeError for an unknown name. */
export function resolveBackend(backend: BackendName | CryptoBackend | undefined): CryptoBackend {
  if (backend === undefined) return DEFAULT_BACKEND;
  if (typeof backend === 'object') return backend;
  const found = Object.hasOwn(BACKENDS, backend) ? BACKENDS[backend] : undefined;
  if (found === undefined) throw new RangeError(`backend must be 'node' or 'noble', got ${String(backend)}`);
  return found();
}
