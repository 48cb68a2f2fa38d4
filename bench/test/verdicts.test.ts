import { expect } from 'chai';
import { recommendChunkSize } from '../recommend.js';
import type { BenchResults } from '../results.js';
import type { ComparisonResults, ComparisonRow } from '../sections/compare.js';
import type { DirectoryResults } from '../sections/directory.js';
import { DEFAULT_CHUNK_SIZE, type StreamFigures, type ThroughputResults } from '../sections/throughput.js';
import type { Summary } from '../stats.js';
import { evaluateTargets } from '../targets.js';

const KiB = 1024;

function one(value: number): Summary {
  return { median: value, min: value, max: value, runs: 1 };
}

function stream(chunkSize: number, encrypt: number, decrypt: number, encryptRatio = 1): StreamFigures {
  return { backend: 'node', chunkSize, encrypt: one(encrypt), decrypt: one(decrypt), encryptRatio: one(encryptRatio), decryptRatio: one(1) };
}

function throughputOf(streams: StreamFigures[]): ThroughputResults {
  return {
    readSize: 64 * KiB,
    inputBytes: { node: 1, noble: 1 },
    ceilings: streams.map((s) => ({ chunkSize: s.chunkSize, seal: one(1000), open: one(1000) })),
    streams,
    readSizes: [],
  };
}

function resultsWith(parts: Partial<BenchResults>): BenchResults {
  const machine = { cpuModel: 'test', cores: 2, memoryGiB: 1, platform: 'test', node: 'v20', date: '', loadAtStart: [0, 0, 0], loadAtEnd: [0, 0, 0] };
  return { mode: 'full', machine, durationSeconds: 1, notes: [], ...parts };
}

describe('chunk size recommendation', () => {
  it('picks the smallest chunk size within 10% of the best in both directions', () => {
    const recommendation = recommendChunkSize(throughputOf([stream(4 * KiB, 300, 300), stream(16 * KiB, 950, 700), stream(64 * KiB, 960, 920), stream(256 * KiB, 1000, 1000)]));
    expect(recommendation.recommended).to.equal(64 * KiB);
    expect(recommendation.standings.map((s) => s.qualifies)).to.deep.equal([false, false, true, true]);
  });

  it('when encrypt and decrypt peak at different sizes and none is within 10% both ways, picks the best compromise', () => {
    const recommendation = recommendChunkSize(throughputOf([stream(16 * KiB, 500, 500), stream(64 * KiB, 1400, 1300), stream(1024 * KiB, 800, 1700)]));
    expect(recommendation.standings.some((s) => s.qualifies)).to.equal(false);
    // 64 KiB: encrypt at 100%, decrypt at 76%; 1 MiB: decrypt at 100%, encrypt at 57%.
    expect(recommendation.recommended).to.equal(64 * KiB);
  });

  it('ignores the noble backend, whose figures are another scale', () => {
    const noble: StreamFigures = { ...stream(4 * KiB, 5000, 5000), backend: 'noble' };
    expect(recommendChunkSize(throughputOf([noble, stream(64 * KiB, 100, 100)])).recommended).to.equal(64 * KiB);
  });
});

describe('targets', () => {
  it('marks a ratio below its goal as missed, by how much', () => {
    const verdicts = evaluateTargets(resultsWith({ throughput: throughputOf([stream(DEFAULT_CHUNK_SIZE, 700, 700, 0.7)]) }));
    const ceiling = verdicts.find((v) => v.target.startsWith('In-process stream encrypt'))!;
    expect(ceiling.status).to.equal('missed');
    expect(ceiling.detail).to.match(/^missed by 13% \(0\.70× against 0\.80×\)/);
  });

  it('marks a ratio at or above its goal as met', () => {
    const verdicts = evaluateTargets(resultsWith({ throughput: throughputOf([stream(DEFAULT_CHUNK_SIZE, 900, 900, 0.9)]) }));
    expect(verdicts.find((v) => v.target.startsWith('In-process stream encrypt'))!.status).to.equal('met');
  });

  it('marks the directory load as missed, naming the first wrong answer, when any answer was not as prescribed', () => {
    const directory = (problems: string[]): DirectoryResults => ({
      plan: { requests: 10, clients: 2, timeoutMs: 100 },
      validCount: 7, malformedCount: 2, stalledCount: 1, wallSeconds: 1, requestsPerSecond: 10, validRequestsPerSecond: 7,
      validP50Ms: 1, validP99Ms: 2, malformedP99Ms: 2, stalledP50Ms: 110, acknowledged: 3, serverPeakRssBytes: undefined,
      problemCount: problems.length, problems,
      machine: { cores: 2, loadAtEnd: [0, 0, 0], node: 'v20', date: '' },
    });
    const verdictOf = (problems: string[]) => evaluateTargets(resultsWith({ directory: directory(problems) })).find((v) => v.target.startsWith('Directory server'))!;
    expect(verdictOf([]).status).to.equal('met');
    const missed = verdictOf(['publish answered 500']);
    expect(missed.status).to.equal('missed');
    expect(missed.measured).to.equal('1');
    expect(missed.detail).to.match(/^First: publish answered 500;/);
  });

  it('compares the file API with age as a target, and the other ways of using the library for reference only', () => {
    const row = (peerId: string, label: string, rate: number): ComparisonRow => ({
      peerId, label, recipients: 1, encrypt: one(rate), decrypt: one(rate), encryptRss: undefined, decryptRss: undefined, encryptRatio: one(1000 / rate), decryptRatio: one(1000 / rate),
    });
    const peers: ComparisonResults = {
      inputBytes: 1, sink: 'null', skipped: [], peers: [],
      rows: [row('cardseal', 'cardseal (file API)', 1000), row('cardseal-stream', 'cardseal (stream API)', 400), row('age', 'age (CLI)', 800)],
    };
    const verdicts = evaluateTargets(resultsWith({ peers }));
    const target = verdicts.find((v) => v.target.startsWith('API (encryptFile, decryptFile) encrypt'))!;
    expect([target.status, target.measured]).to.deep.equal(['met', '1.25×']);
    const reference = verdicts.filter((v) => v.status === 'info');
    expect(reference.map((v) => [v.target, v.measured])).to.deep.equal([
      ['cardseal (stream API) encrypt against age (1 recipient), for reference', '0.50×'],
      ['cardseal (stream API) decrypt against age (1 recipient), for reference', '0.50×'],
    ]);
  });

  it('reports every target as not measured, with the reason, when nothing ran', () => {
    const verdicts = evaluateTargets(resultsWith({}));
    expect(verdicts).to.have.length(15);
    for (const verdict of verdicts) {
      expect(verdict.status).to.equal('not measured');
      expect(verdict.detail).to.match(/did not run/);
    }
  });
});
