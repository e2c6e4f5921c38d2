import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@humangov/source` export condition,
// so tests run on a fresh clone without a build (TOOLCHAIN.md, vitest 4).
const sourceCondition = { ssr: { resolve: { conditions: ['@humangov/source'] } } } as const;

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'].map((root) => ({
      extends: true,
      ...sourceCondition,
      test: { name: { label: root }, root, include: [`${root}/src/**/*.test.ts`, `${root}/test/**/*.test.ts`] },
    })),
  },
});
