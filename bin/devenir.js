#!/usr/bin/env node
// devenir runs its TypeScript with no build step to remember: bin/compile.js transpiles what changed since the last
// command into node_modules/.cache/devenir/js, then the command runs from there (tsx's loader when that cannot be written).
import { ensureDependencies } from './ensure-deps.js';

ensureDependencies();
// Output piped into a reader that stops early (`devenir query … | head`) ends the command quietly, as in any Unix tool.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
  // The same help from bin/help.json, with commander alone: 0.03 s of CPU less than the compiled command line.
  (await import('./help.js')).printHelp();
} else {
  // The pinned AWS SDK supports Node 20; its notice about future releases needing Node 22 is not for users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const compiled = await (await import('./compile.js')).compiledModule('infra/cli.ts');
  if (compiled) {
    process.setSourceMapsEnabled(true); // stack traces name the TypeScript lines, as under tsx
    await (await import(compiled)).run();
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await (await import('../infra/cli.ts')).run();
  }
}
