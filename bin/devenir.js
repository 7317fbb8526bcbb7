#!/usr/bin/env node
// devenir runs its TypeScript directly (no build step): tsx compiles on the fly.
import { register } from 'tsx/esm/api';

register();
await import('../infra/cli.ts');
