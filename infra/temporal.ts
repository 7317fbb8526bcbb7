import { Client, Connection } from '@temporalio/client';
import type { RunContext } from '../workflows/types.js';
import type { Config } from './config.js';

/** Task queues, id prefix and committer of this deployment (one prefix per lake, see config.ts). */
export function runContext(config: Config): RunContext {
  const prefix = config.temporal.taskQueuePrefix;
  return {
    idPrefix: prefix,
    queues: { workflows: `${prefix}-workflows`, landing: `${prefix}-landing`, building: `${prefix}-building` },
    committerId: `${prefix}/committer`,
  };
}

/** A Temporal client on the configured (or started) server. */
export async function connectClient(config: Config): Promise<Client> {
  const address = config.temporal.address ?? '127.0.0.1:7233';
  try {
    const connection = await Connection.connect({ address, connectTimeout: '10s' });
    return new Client({ connection, namespace: config.temporal.namespace });
  } catch (error) {
    throw new Error(
      `cannot reach Temporal at ${address} (${(error as Error).message}); start it with \`npx devenir services up\` or set TEMPORAL_ADDRESS`,
    );
  }
}

/** The Web UI link of a workflow. */
export function workflowUrl(config: Config, workflowId: string): string {
  return `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
