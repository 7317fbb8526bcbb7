import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HELP_JSON, helpProgram, helpSpec, type HelpSpec } from '../bin/help.js';
import { program } from '../infra/cli.js';

/** A program's `--help` output at a terminal width. */
function render(p: Command, width: number): string {
  let out = '';
  p.configureOutput({ writeOut: (s) => void (out += s), getOutHelpWidth: () => width });
  p.outputHelp();
  return out;
}

describe('devenir --help answered without tsx (bin/help.js, bin/help.json)', () => {
  const spec = JSON.parse(readFileSync(HELP_JSON, 'utf8')) as HelpSpec;

  it('bin/help.json is what infra/cli.ts declares (`npm run help-json` rewrites it)', () => {
    expect(spec).toEqual(helpSpec(program));
  });

  it('prints what the full command line prints, at any terminal width', () => {
    const fast = helpProgram(spec);
    for (const width of [40, 80, 132, 250])
      expect(render(fast, width), `${width} columns`).toBe(render(program, width));
  });

  it('is what bin/devenir.js --help prints', async () => {
    const bin = path.join(import.meta.dirname, '../bin/devenir.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, '--help']);
    expect(stderr).toBe('');
    expect(stdout).toBe(render(program, 80));
    expect(stdout).toContain('refresh [options]');
  });

  it('ends quietly (exit 0, nothing on stderr) when its reader is gone, as after `devenir … | head -1`', async () => {
    const bin = path.join(import.meta.dirname, '../bin/devenir.js');
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy(); // the reader is gone before the help is written
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
