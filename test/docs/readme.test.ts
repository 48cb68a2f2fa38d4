import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../../lib/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

describe('README', () => {
  it('lists every error code with its class and meaning, exactly as lib/errors.ts does', () => {
    const rows = new Map<string, string>();
    for (const line of readme.split('\n')) {
      const match = /^\| `(ERR_[A-Z_]+)` \| (\w+) \| (.+) \|$/.exec(line);
      if (match !== null) rows.set(match[1]!, `${match[2]} ${match[3]}`);
    }
    const expected = new Map(Object.entries(ERROR_CODES).map(([code, [category, meaning]]) => [code, `${category} ${meaning}`]));
    expect(rows).to.deep.equal(expected);
  });

  it('opens with a quick start of exactly two commands', () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
    expect(section, 'a "## Quick start" section').to.not.equal(undefined);
    const commands = /```sh\n([\s\S]*?)```/.exec(section!)![1]!.trim().split('\n');
    expect(commands).to.deep.equal(['npm install && npm run demo', 'npm install && npm test']);
  });
});
