import { expect } from 'chai';
import { renderBarChart, renderLineChart } from '../svg-chart.js';

const spec = {
  title: 'Speed <by> size & "kind"',
  categories: ['4 KiB', '64 KiB', '1 MiB'],
  xLabel: 'chunk size',
  yLabel: 'MB/s',
  series: [
    { name: 'encrypt', values: [100, 900, 1200], low: [90, 850, 1100], high: [110, 950, 1300] },
    { name: 'ceiling', values: [150, undefined, 1500], dashed: true },
  ],
};

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('svg charts', () => {
  it('draws a line chart as one standalone SVG with a legend entry per series', () => {
    const svg = renderLineChart(spec);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg).to.include('>encrypt</text>').and.to.include('>ceiling</text>');
    // The gap splits the dashed series into single points, so only the solid series draws a polyline.
    expect(count(svg, '<polyline')).to.equal(1);
    expect(count(svg, '<circle')).to.equal(3);
  });

  it('escapes text so titles cannot break the markup', () => {
    const svg = renderLineChart(spec);
    expect(svg).to.include('Speed &lt;by&gt; size &amp; &quot;kind&quot;');
    expect(svg).not.to.include('<by>');
  });

  it('labels the value axis with round ticks from zero past the highest whisker', () => {
    const svg = renderLineChart(spec);
    for (const tick of ['>0<', '>500<', '>1,000<', '>1,500<']) expect(svg).to.include(tick);
  });

  it('draws one bar per defined value, with its value on top', () => {
    const svg = renderBarChart(spec);
    // One background rectangle, two legend swatches, five bars.
    expect(count(svg, '<rect')).to.equal(1 + 2 + 5);
    expect(svg).to.include('>1,200</text>');
  });

  it('uses decades on a log scale', () => {
    const svg = renderLineChart({ ...spec, logScale: true, series: [{ name: 'ms', values: [0.5, 20, 900] }] });
    for (const tick of ['>0.1<', '>1<', '>10<', '>100<', '>1,000<']) expect(svg).to.include(tick);
  });
});
