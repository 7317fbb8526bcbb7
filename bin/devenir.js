#!/usr/bin/env node
// devenir runs its TypeScript directly (no build step): tsx compiles on the fly.
import { ensureDependencies } from './ensure-deps.js';

ensureDependencies();
// Output piped into a reader that stops early (`devenir query … | head`) ends the command quietly, as in any Unix tool.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
  // Answered without tsx (0.1 s instead of 0.35 s): the same help, from bin/help.json.
  (await import('./help.js')).printHelp();
} else {
  // The pinned AWS SDK supports Node 20; its notice about future releases needing Node 22 is not for users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { register } = await import('tsx/esm/api');
  register();
  await (await import('../infra/cli.ts')).run();
}
