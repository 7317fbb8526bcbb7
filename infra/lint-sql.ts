/**
 * `npm run lint:sql`: lints the SQL models (transforms/) with sqlfluff, DuckDB dialect, rules in `.sqlfluff`.
 * sqlfluff is pinned and installed into the project's venv (`<DEVENIR_HOME>/venv`) on first use.
 */
import { spawnSync } from 'node:child_process';
import { loadConfig } from './config.js';
import { installSqlfluff } from './services/install.js';

const bin = await installSqlfluff(loadConfig(process.env).home);
const result = spawnSync(bin, ['lint', 'transforms', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
