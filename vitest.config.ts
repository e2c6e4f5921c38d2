import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@humangov/source` export condition,
// so tests run on a fresh clone without a build (TOOLCHAIN.md, vitest 4).
const sourceCondition = { ssr: { resolve: { conditions: ['@humangov/source'] } } } as const;

const roots = ['packages', 'examples'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group)
        .map((name) => `${group}/${name}`)
        .filter((d) => existsSync(`${d}/package.json`))
    : [],
);

// Two tiers. The default runs every test but the fault tests, files in parallel. `HUMANGOV_TIER=faults` runs only
// `*.fault.test.ts` (brokers killed, frozen, restarted), one file at a time: they stop the brokers other tests share.
const faults = process.env.HUMANGOV_TIER === 'faults';
const patterns = ['src/**/*.test.ts', 'test/**/*.test.ts'];
// Pact provider verifications (`test/**/*pact-provider.test.ts`) read the pacts the consumer tests write to
// `pacts/`, so they run in a later group (`sequence.groupOrder` 1), as projects `<root>:pact-provider`.
const PROVIDER = 'pact-provider.test.ts';
const hasProviderTests = (root: string) =>
  existsSync(`${root}/test`) && readdirSync(`${root}/test`).some((f) => f.endsWith(PROVIDER));

export default defineConfig({
  test: {
    fileParallelism: !faults,
    testTimeout: faults ? 600_000 : 20_000,
    hookTimeout: faults ? 120_000 : 60_000,
    passWithNoTests: faults,
    projects: [
      ...roots.map((root) => ({
        extends: true,
        ...sourceCondition,
        test: {
          name: root,
          root,
          include: faults ? ['test/**/*.fault.test.ts'] : patterns,
          exclude: faults ? [] : ['**/*.fault.test.ts', `**/*${PROVIDER}`, '**/node_modules/**', '**/.tmp/**'],
        },
      })),
      ...(faults ? [] : roots.filter(hasProviderTests)).map((root) => ({
        extends: true,
        ...sourceCondition,
        test: { name: `${root}:pact-provider`, root, include: [`test/**/*${PROVIDER}`], sequence: { groupOrder: 1 } },
      })),
    ],
  },
});
