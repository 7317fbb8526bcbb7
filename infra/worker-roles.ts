import { UsageError } from './commands/usage-error.js';

/** The worker pools of a deployment: each polls one task queue and is sized apart. */
export const WORKER_ROLES = ['workflows', 'landing', 'building'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** Parses `--role workflows,landing` (any combination, default all) into roles, in their canonical order. */
export function parseRoles(value: string | undefined): WorkerRole[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...WORKER_ROLES];
  const asked = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = asked.filter((r) => !(WORKER_ROLES as readonly string[]).includes(r));
  if (unknown.length)
    throw new UsageError(`--role ${value}: unknown role ${unknown.join(', ')}; roles: ${WORKER_ROLES.join(', ')}`);
  return WORKER_ROLES.filter((r) => asked.includes(r));
}
