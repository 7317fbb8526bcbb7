import { defineConfig } from 'vitest/config';

/** Files that run whole pipelines against the real services: they get minutes; every other test file gets 30 s. */
const END_TO_END = [
  'test/e2e/**/*.test.ts',
  'test/integration/**/*.test.ts',
  'test/cli.test.ts',
  // every model built over the real sample extracts: a whole build, not a unit
  'test/transforms/real-sample.test.ts',
  // every model built over the coverage fixture, two publishes and the report read back through the CLI
  'test/lake/report.test.ts',
];

export default defineConfig({
  test: {
    // Two files at a time on 2 cores: end-to-end files mostly wait (on Temporal, timeouts, simulated slow sources),
    // and each uses task queues, workflow ids and lakes of its own on the shared Temporal dev server and SeaweedFS,
    // so they run beside each other as they would on a loaded machine.
    maxWorkers: 2,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: END_TO_END,
          testTimeout: 30_000,
          hookTimeout: 60_000, // a beforeAll may bundle the workflows or start the simulators
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: END_TO_END, testTimeout: 120_000, hookTimeout: 180_000 },
      },
    ],
  },
});
