/**
 * Backend selection. `node` is the default on Node; `noble` is the portable one.
 */
import type { BackendName, CryptoBackend } from './backend.js';
import { nobleBackend } from './noble.js';
import { nodeBackend } from './node.js';

export type { BackendName, CryptoBackend, Sha256Stream, X25519Agreement } from './backend.js';

const BACKENDS: Record<BackendName, CryptoBackend> = { node: nodeBackend, noble: nobleBackend };

/** The default backend: node:crypto. */
export const DEFAULT_BACKEND: CryptoBackend = nodeBackend;

/** Resolves a backend name or object; undefined gives the default. Throws RangeError for an unknown name. */
export function resolveBackend(backend: BackendName | CryptoBackend | undefined): CryptoBackend {
  if (backend === undefined) return DEFAULT_BACKEND;
  if (typeof backend === 'object') return backend;
  const found = BACKENDS[backend];
  if (found === undefined) throw new RangeError(`backend must be 'node' or 'noble', got ${String(backend)}`);
  return found;
}
