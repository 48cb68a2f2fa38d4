import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { REPO, runCli } from './cli-fixtures.js';

const COMMANDS = ['keygen', 'encrypt', 'decrypt', 'inspect', 'card create', 'card show', 'card publish', 'card find', 'card revoke', 'directory serve'];

describe('cardseal usage', () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).to.equal(0);
    expect(result.stdout.toString()).to.equal(`cardseal ${version}\n`);
    expect(result.stderr).to.equal('');
  });

  it('--help lists every command on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).to.equal(0);
    for (const name of ['keygen', 'encrypt', 'decrypt', 'inspect', 'card', 'directory']) expect(result.stdout.toString()).to.match(new RegExp(`^  ${name} `, 'm'));
  });

  it('every command has --help, on stdout, exit 0, and -h is the same', async () => {
    const results = await Promise.all(COMMANDS.map((command) => runCli([...command.split(' '), '--help'])));
    results.forEach((result, i) => {
      expect(result.code, COMMANDS[i]).to.equal(0);
      expect(result.stdout.toString(), COMMANDS[i]).to.match(new RegExp(`^Usage: cardseal ${COMMANDS[i]} `));
      expect(result.stdout.toString(), COMMANDS[i]).to.include('--help');
    });
    expect((await runCli(['encrypt', '-h'])).stdout.toString()).to.equal(results[1]!.stdout.toString());
    const group = await runCli(['card', '--help']);
    expect(group.code).to.equal(0);
    expect(group.stdout.toString()).to.include('revoke');
  });

  it('reports usage mistakes as one error line and a hint on stderr, exit 1, nothing on stdout', async () => {
    const cases: [string[], string, string][] = [
      [[], 'error: no command given', 'hint: run "cardseal --help"'],
      [['frobnicate'], 'error: unknown command "frobnicate"', 'hint: run "cardseal --help" for the list'],
      [['card', 'burn'], 'error: unknown card subcommand "burn"', 'hint: run "cardseal card --help" for the list'],
      [['encrypt', '--bogus'], 'error: unknown flag --bogus', 'hint: run "cardseal encrypt --help" for usage'],
      [['encrypt', '-Z'], 'error: unknown flag -Z', 'hint: run "cardseal encrypt --help" for usage'],
      [['encrypt', '-o'], 'error: flag -o needs a value (OUT)', 'hint: run "cardseal encrypt --help" for usage'],
      [['encrypt', '-o', 'a', '--output=b'], 'error: flag --output given more than once', 'hint: run "cardseal encrypt --help" for usage'],
      [['encrypt', '--armor=yes'], 'error: flag --armor takes no value', 'hint: run "cardseal encrypt --help" for usage'],
      [['encrypt', 'a', 'b'], 'error: too many arguments: b', 'hint: run "cardseal encrypt --help" for usage'],
      [['keygen', 'extra'], 'error: unexpected argument: extra', 'hint: run "cardseal keygen --help" for usage'],
      [['decrypt'], 'error: no key file given', 'hint: pass the private key file with -i KEY_FILE'],
      [['encrypt', '--chunk-size', '1000'], 'error: invalid chunk size "1000"', 'hint: the chunk size is a power of two from 4K to 16M, such as 64K or 1M'],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, [args, error, hint]] of cases.entries()) {
      const result = results[i]!;
      expect(result.code, args.join(' ')).to.equal(1);
      const lines = result.stderr.split('\n');
      const errorAt = lines.findIndex((l) => l.startsWith('error: '));
      expect(lines[errorAt], args.join(' ')).to.equal(error);
      expect(lines[errorAt + 1], args.join(' ')).to.equal(hint);
      expect(result.stdout.length, args.join(' ')).to.equal(0);
    }
  });

  it('accepts -xVALUE, --name=VALUE and -- before arguments', async () => {
    const joined = await runCli(['encrypt', '-oout.bin', '--to=cardseal_pub1_bad', '--', '-notaflag']);
    expect(joined.code).to.equal(1);
    expect(joined.stderr).to.match(/^error: public key is malformed/m);
  });
});
