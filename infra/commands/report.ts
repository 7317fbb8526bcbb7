import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPORT_KEY } from '../../lake/report/write-report.js';
import type { App } from '../app.js';
import { UsageError } from './usage-error.js';

/** The platform's "open this file" command, if it has one. */
function opener(): { command: string; args: string[] } | undefined {
  if (process.platform === 'darwin') return { command: 'open', args: [] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  const onPath = (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, 'xdg-open')));
  return onPath ? { command: 'xdg-open', args: [] } : undefined;
}

/**
 * `devenir report [--open]`: the HTML report of the current lake snapshot, as a file:// URL (an S3 lake's is
 * downloaded to the work folder first); --open hands it to the platform's opener.
 */
export async function report(app: App, opts: { open?: boolean }): Promise<{ report: string; opened: boolean }> {
  const lake = await app.lake();
  if (!(await lake.store.head(REPORT_KEY)))
    throw new UsageError(
      `${lake.store.root} has no report yet: publish a snapshot (npm start, devenir refresh) or run \`devenir catalog\``,
    );
  let file = lake.store.localPath(REPORT_KEY);
  if (!file) {
    file = path.join(app.config.workDir, 'report', 'index.html');
    await lake.store.downloadFile(REPORT_KEY, file);
  }
  const url = pathToFileURL(file).href;
  const open = opts.open ? opener() : undefined;
  if (opts.open && !open)
    process.stderr.write('no opener on this machine (xdg-open, open, start): open the URL yourself\n');
  if (open) spawn(open.command, [...open.args, url], { detached: true, stdio: 'ignore' }).unref();
  return { report: url, opened: Boolean(open) };
}
