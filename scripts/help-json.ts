/** Writes bin/help.json, what `devenir --help` prints without loading tsx, from infra/cli.ts (`npm run help-json`). */
import { writeFileSync } from 'node:fs';
import { HELP_JSON, helpSpec } from '../bin/help.js';
import { program } from '../infra/cli.js';

writeFileSync(HELP_JSON, `${JSON.stringify(helpSpec(program), null, 2)}\n`);
