/**
 * `cardseal directory serve`: the reference card directory server
 * (spec/directory.md §5) on a data folder. It prints its URL, serves until
 * SIGINT or SIGTERM, then closes its store and exits 0.
 */
import { startDirectory } from '../../directory/server.js';
import { UsageError } from '../../errors.js';
import { flagValue } from '../args.js';
import type { Command, CommandGroup } from '../command.js';
import { withHint } from '../report.js';
import { stopGracefullyOnSignal } from '../signals.js';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError('ERR_USAGE', `invalid port ${JSON.stringify(text)}`);
  return port;
}

const serve: Command = {
  spec: {
    name: 'directory serve',
    usage: 'directory serve --data DIR [--port N] [--host HOST]',
    summary: 'Run a card directory server storing its append-only log in DIR.',
    flags: [
      { name: 'data', value: 'DIR', help: 'folder of the append-only card log (created if needed)' },
      { name: 'port', value: 'N', help: 'TCP port; 0 or absent picks a free one' },
      { name: 'host', value: 'HOST', help: 'interface to listen on (default 127.0.0.1)' },
    ],
    maxArgs: 0,
    details: 'The first line on stdout is "listening on URL". Stop it with Ctrl-C or SIGTERM.',
  },
  async run(parsed, terminal) {
    const dataDir = flagValue(parsed, 'data');
    if (dataDir === undefined) throw withHint(new UsageError('ERR_USAGE', 'directory serve needs --data DIR'), 'run "cardseal directory serve --help"');
    const server = await startDirectory({ dataDir, port: parsePort(flagValue(parsed, 'port')), host: flagValue(parsed, 'host') ?? '127.0.0.1' });
    stopGracefullyOnSignal(() => server.close());
    terminal.stdout.write(`listening on ${server.url}\n`);
  },
};

/** `cardseal directory serve`. Errors: DirectoryError ERR_DIRECTORY_STORAGE, UsageError ERR_USAGE, the listen error. */
export const directory: CommandGroup = {
  name: 'directory',
  summary: 'Run a card directory server.',
  commands: { serve },
};
