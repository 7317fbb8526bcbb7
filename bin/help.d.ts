import type { Command } from 'commander';

/** What the top-level help shows of a program (bin/help.json). */
export interface HelpSpec {
  name: string;
  description: string;
  commands: Array<{ name: string; term: string; description: string }>;
  after: string;
}
export const HELP_JSON: URL;
export function helpSpec(program: Command): HelpSpec;
export function helpProgram(spec: HelpSpec): Command;
export function printHelp(): void;
