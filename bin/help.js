// `devenir --help` without tsx: the program's help rebuilt from bin/help.json and formatted by commander itself (so at
// the terminal's width, as the full CLI does). `npm run help-json` writes the file from infra/cli.ts;
// test/cli-help.test.ts fails when the two differ. Plain JavaScript: it runs before any TypeScript loader.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';

export const HELP_JSON = new URL('./help.json', import.meta.url);

/**
 * What the top-level help shows of a commander program: its description, each command's term and description, and
 * the text added after it.
 * @param {Command} program
 */
export function helpSpec(program) {
  const help = program.createHelp();
  let full = '';
  const out = program.configureOutput();
  program.configureOutput({ ...out, writeOut: (s) => void (full += s), getOutHelpWidth: () => 80 });
  try {
    program.outputHelp();
    const info = program.helpInformation();
    return {
      name: program.name(),
      description: program.description(),
      commands: help
        .visibleCommands(program)
        .map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) })),
      after: full.slice(info.length).replace(/\n$/, ''),
    };
  } finally {
    program.configureOutput(out);
  }
}

/**
 * The program `helpSpec` describes, with no action: its `outputHelp()` prints what the full program's does.
 * @param {ReturnType<typeof helpSpec>} spec
 */
export function helpProgram(spec) {
  const terms = new Map(spec.commands.map((c) => [c.name, c.term]));
  const program = new Command(spec.name)
    .description(spec.description)
    .configureHelp({ subcommandTerm: (c) => terms.get(c.name()) ?? c.name() });
  for (const c of spec.commands) program.command(c.name).description(c.description);
  return program.addHelpText('after', spec.after);
}

/** Prints the help of bin/help.json. */
export function printHelp() {
  helpProgram(JSON.parse(readFileSync(HELP_JSON, 'utf8'))).outputHelp();
}
