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

export default defineConfig({
  test: {
    projects: roots.map((root) => ({
      extends: true,
      ...sourceCondition,
      test: { name: root, root, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
    })),
  },
});
