export { backfillWorkflow } from './backfill-workflow.js';
export { buildLayersWorkflow } from './build-layers-workflow.js';
export { committerWorkflow } from './committer-workflow.js';
export { refreshAllWorkflow } from './refresh-all-workflow.js';
export { refreshSourceWorkflow } from './refresh-source-workflow.js';
