import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// dist*/test/package/ → repository root, whatever the build folder is called.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as Record<string, any>;

describe('package', () => {
  it('is ESM with types first in exports, and declares Node >= 20.19', () => {
    expect(manifest.type).to.equal('module');
    expect(Object.keys(manifest.exports['.'])[0]).to.equal('types');
    expect(manifest.engines.node).to.equal('>=20.19');
  });

  // Self-reference by name resolves through `exports` to dist/, which `npm test` builds first.
  it('can be loaded with require() from CommonJS (no top-level await)', () => {
    const script = `const cs = require('cardseal'); const k = cs.generateKeyPair();
      cs.encrypt('x', [k.publicKey]).then((c) => cs.decrypt(c, k.privateKey)).then((p) => process.stdout.write(Buffer.from(p).toString()));`;
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: root })).to.equal('x');
  });
});
