#!/usr/bin/env node
// devenir runs its TypeScript directly (no build step): tsx compiles on the fly.
import { ensureDependencies } from './ensure-deps.js';

ensureDependencies();
// The pinned AWS SDK supports Node 20; its notice about future releases needing Node 22 is not for users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
await import('../infra/cli.ts');
