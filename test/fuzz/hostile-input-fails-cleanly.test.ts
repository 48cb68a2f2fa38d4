/**
 * A bounded run of the format fuzz (test/fuzz/families.ts): a few thousand
 * hostile inputs across every family, each of which must fail with a
 * documented CardsealError, never decrypt when altered, never hang and never
 * grow memory beyond a bound. `npm run fuzz` runs the same families at full size.
 * Set CARDSEAL_FUZZ_SEED to replay another seed.
 */
import { expect } from 'chai';
import { runCampaign } from './campaign.js';

const SEED = Number(process.env.CARDSEAL_FUZZ_SEED ?? 20_260_611);

describe('hostile input fails cleanly (bounded fuzz)', () => {
  it(`every family holds its invariants over a few thousand cases (seed ${SEED})`, async function () {
    this.timeout(90_000);
    const report = await runCampaign({
      seed: SEED,
      scale: 0.04,
      minRuns: 100,
      maxCaseMs: 2000,
      maxGrowthBytes: 64 * 2 ** 20,
      stallMs: 15_000,
      // About 20 s in all on a busy machine: 9 families of at most 2.2 s.
      familyTimeLimitMs: 2200,
    });
    expect(report.failures).to.deep.equal([]);
    expect(report.families).to.have.length(9);
    for (const family of report.families) expect(family.runs, family.name).to.be.at.least(100);
    expect(report.families.reduce((sum, family) => sum + family.runs, 0)).to.be.greaterThan(2000);
    expect(report.maxRssBytes).to.be.below(512 * 2 ** 20);
  });
});
