import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest runs one file at a time on a 2-core machine by default; the integration files spend most of their
    // time waiting on DynamoDB Local, child processes and Chromium, so two at once halve the wall time.
    maxWorkers: 2,
    // Node 20 locally, Node 22 on Lambda: the SDK's upgrade notice would only bury test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'test/unit/**/*.test.ts', 'infra/**/*.test.ts'],
          // A timeout detects a hang, it does not measure speed: synthesising a CDK app or thousands of
          // property-test runs take several seconds on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
