/**
 * The chunk-size recommendation, computed from measurement 1.
 *
 * Rule: the smallest chunk size whose encrypt and decrypt throughput (node
 * backend, medians) are both within TOLERANCE of the best chunk size's. Beyond
 * that point a larger chunk buys little speed and costs memory per stream,
 * time to the first released plaintext byte, and seek granularity. When no
 * size is within TOLERANCE both ways (encrypt and decrypt peak at different
 * sizes), the one whose worse direction comes closest to its best.
 */
import type { ThroughputResults } from './sections/throughput.js';
import { DEFAULT_CHUNK_SIZE } from './sections/throughput.js';

/** Accept chunk sizes within 10% of the best throughput. */
export const TOLERANCE = 0.1;
const TAG_LENGTH = 16;

/** One chunk size's standing against the best. */
export interface ChunkStanding {
  chunkSize: number;
  encrypt: number;
  decrypt: number;
  /** Share of the best median, 0..1. */
  encryptShare: number;
  decryptShare: number;
  /** Tag bytes per plaintext byte. */
  overhead: number;
  qualifies: boolean;
}

/** The recommendation and the figures behind it. */
export interface ChunkRecommendation {
  recommended: number;
  /** True when no size was within tolerance both ways, and the best compromise was taken. */
  compromise: boolean;
  defaultSize: number;
  standings: ChunkStanding[];
}

/**
 * Applies the rule to the node-backend figures.
 * @throws Error when the results hold no node-backend figures
 */
export function recommendChunkSize(throughput: ThroughputResults): ChunkRecommendation {
  const node = throughput.streams.filter((s) => s.backend === 'node');
  if (node.length === 0) throw new Error('internal error: no node-backend throughput to recommend from');
  const bestEncrypt = Math.max(...node.map((s) => s.encrypt.median));
  const bestDecrypt = Math.max(...node.map((s) => s.decrypt.median));
  const standings = node.map((s) => {
    const encryptShare = s.encrypt.median / bestEncrypt;
    const decryptShare = s.decrypt.median / bestDecrypt;
    return {
      chunkSize: s.chunkSize,
      encrypt: s.encrypt.median,
      decrypt: s.decrypt.median,
      encryptShare,
      decryptShare,
      overhead: TAG_LENGTH / s.chunkSize,
      qualifies: encryptShare >= 1 - TOLERANCE && decryptShare >= 1 - TOLERANCE,
    };
  });
  const qualifying = standings.filter((s) => s.qualifies).sort((a, b) => a.chunkSize - b.chunkSize);
  const worse = (s: ChunkStanding): number => Math.min(s.encryptShare, s.decryptShare);
  const recommended = (qualifying[0] ?? [...standings].sort((a, b) => worse(b) - worse(a) || a.chunkSize - b.chunkSize)[0]!).chunkSize;
  return { recommended, compromise: qualifying.length === 0, defaultSize: DEFAULT_CHUNK_SIZE, standings };
}
