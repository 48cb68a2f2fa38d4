/**
 * The README's command-line quick start, run as written: each `$ ` line of
 * test/cli/quickstart.transcript runs in `sh` with `cardseal` on the PATH,
 * and its stdout must match the lines that follow. In expected output, `…`
 * stands for one word; `cardseal_pub1_…` in a command is the public key the
 * transcript printed first.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, REPO, cleanEnv, collect, makeTempDir } from './cli-fixtures.js';

interface Step {
  command: string;
  expected: string[];
}

function parseTranscript(text: string): Step[] {
  const steps: Step[] = [];
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
    else steps.at(-1)!.expected.push(line);
  }
  return steps;
}

function linePattern(expected: string): RegExp {
  const escaped = expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('\\S+')}$`);
}

describe('README command-line quick start', () => {
  const temp = makeTempDir('cardseal-quickstart-');
  after(() => temp.cleanup());

  it('runs as written and prints what the transcript shows', async () => {
    const bin = join(temp.dir, 'bin');
    const work = join(temp.dir, 'work');
    mkdirSync(bin);
    mkdirSync(work);
    writeFileSync(join(bin, 'cardseal'), `#!/bin/sh\nexec '${process.execPath}' '${MAIN}' "$@"\n`);
    chmodSync(join(bin, 'cardseal'), 0o755);
    const env = cleanEnv({ PATH: `${bin}:${process.env.PATH}`, CARDSEAL_DIRECTORY: join(temp.dir, 'directory') });
    let publicKey: string | undefined;
    for (const step of parseTranscript(readFileSync(join(REPO, 'test/cli/quickstart.transcript'), 'utf8'))) {
      const command = publicKey === undefined ? step.command : step.command.replaceAll('cardseal_pub1_…', publicKey);
      const result = await collect(spawn('sh', ['-c', command], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
      expect(result.code, `${step.command}\n${result.stderr}`).to.equal(0);
      expect(result.stderr, step.command).to.equal('');
      const lines = result.stdout.toString().split('\n').slice(0, -1);
      expect(lines.length, `${step.command}: ${lines.join(' | ')}`).to.equal(step.expected.length);
      step.expected.forEach((expected, i) => expect(lines[i], step.command).to.match(linePattern(expected)));
      publicKey ??= lines.find((l) => l.startsWith('cardseal_pub1_'));
    }
    expect(publicKey).to.match(/^cardseal_pub1_/);
  });
});
