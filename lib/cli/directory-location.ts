/**
 * Which card directory the CLI talks to: `--directory` (an http(s) URL or a
 * local data folder), else $CARDSEAL_DIRECTORY, else the embedded local
 * directory in the user's config folder.
 *
 * The embedded directory admits one process at a time (spec/directory.md
 * §6.2), so commands hold it open only for the lookups they make, never for a
 * whole transfer.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CardDirectory } from '../directory/directory.js';
import { isHttpUrl } from '../io/url.js';

/** The user's config folder for cardseal, following each platform's convention. */
export function configFolder(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'cardseal');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'cardseal');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config'), 'cardseal');
}

/** The directory location in effect for `flag` (the --directory value, if any). */
export function directoryLocation(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) return flag;
  const fromEnv = env.CARDSEAL_DIRECTORY;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(configFolder(env), 'directory');
}

/**
 * Opens the directory at `location`: the HTTP client for a URL, the embedded
 * local directory for a folder (created if needed).
 * @throws DirectoryError ERR_DIRECTORY_*
 */
export async function openCardDirectory(location: string): Promise<CardDirectory> {
  // Loaded on use: most commands never touch a directory, and the client pulls in undici.
  if (isHttpUrl(location)) return (await import('../directory/client.js')).openDirectory(location);
  return (await import('../directory/local.js')).openLocalDirectory(location);
}

/**
 * Opens the directory at `location`, runs `use` on it and closes it, also when `use` fails.
 * @throws DirectoryError ERR_DIRECTORY_*; whatever `use` throws
 */
export async function withCardDirectory<T>(location: string, use: (directory: CardDirectory) => Promise<T>): Promise<T> {
  const directory = await openCardDirectory(location);
  try {
    return await use(directory);
  } finally {
    await directory.close();
  }
}
