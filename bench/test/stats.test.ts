import { expect } from 'chai';
import { formatBytes, formatSummary, formatTable } from '../format.js';
import { medianOf, megabytesPerSecond, pairedRatios, summarize } from '../stats.js';

describe('bench statistics and formatting', () => {
  it('takes the middle value, or the mean of the two middle values, whatever the order', () => {
    expect(medianOf([5, 1, 3])).to.equal(3);
    expect(medianOf([4, 1, 3, 2])).to.equal(2.5);
  });

  it('refuses to summarize no samples with a RangeError', () => {
    expect(() => summarize([])).to.throw(RangeError, 'values must not be empty');
  });

  it('summarizes runs as median, lowest, highest and count', () => {
    expect(summarize([30, 10, 20])).to.deep.equal({ median: 20, min: 10, max: 30, runs: 3 });
  });

  it('computes MB/s in decimal megabytes and pairs ratios run by run', () => {
    expect(megabytesPerSecond(2_000_000, 1000)).to.equal(2);
    expect(pairedRatios([2, 9], [1, 3])).to.deep.equal([2, 3]);
    expect(() => pairedRatios([1], [1, 2])).to.throw(RangeError, 'paired samples must have equal lengths');
  });

  it('formats a summary as "median (min–max)" and a single run as its value', () => {
    expect(formatSummary({ median: 1234.4, min: 1100, max: 1300.2, runs: 5 })).to.equal('1,234 (1,100–1,300)');
    expect(formatSummary({ median: 0.1234, min: 0.1234, max: 0.1234, runs: 1 })).to.equal('0.123');
  });

  it('formats byte counts in binary units', () => {
    expect(formatBytes(4096)).to.equal('4 KiB');
    expect(formatBytes(4 * 2 ** 30)).to.equal('4 GiB');
    expect(formatBytes(1536)).to.equal('1.5 KiB');
  });

  it('writes a Markdown table with a separator row', () => {
    expect(formatTable(['a', 'b'], [['1', '2']])).to.equal('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
