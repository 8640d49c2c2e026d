import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests run in parallel; namespace suites (real sockets in network
// namespaces, a real iptux) run one file at a time because they share the kernel's netns table
// and the machine's two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'shared/**/*.test.ts',
            'electron/**/*.test.ts',
            'renderer/**/*.test.{ts,tsx}',
            'build/**/*.test.ts',
            // The legacy-client personas' own logic (their namespace suites are in netns).
            'e2e/lab/personas/**/*.test.ts',
          ],
          exclude: ['**/*.netns.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'netns',
          include: ['**/*.netns.test.ts'],
          exclude: ['node_modules/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
