/**
 * Directory server under load, on its own: the measurement of section 6 of
 * bench/RESULTS.md (bench/sections/directory.ts), printed as a markdown
 * section. Exits 1 if any answer was not the prescribed one.
 *
 *   npm run build && node dist/bench/load-directory.js [--requests N] [--clients N] [--timeout-ms N]
 */
import { parseArgs } from 'node:util';
import { renderDirectory } from './report.js';
import { measureDirectory } from './sections/directory.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '50' },
    'timeout-ms': { type: 'string', default: '2000' },
  },
});

const directory = await measureDirectory(
  { requests: Number(values.requests), clients: Number(values.clients), timeoutMs: Number(values['timeout-ms']) },
  (message) => process.stderr.write(`${message}\n`),
);
process.stdout.write(`## Directory server under load\n\n${renderDirectory(directory)}\n`);
if (directory.problemCount > 0) process.exitCode = 1;
