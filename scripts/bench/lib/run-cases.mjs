// The case loop both benchmark scripts share: each selected case runs once under a time limit; a case that fails
// or times out is recorded and the next one runs; the environment is cleaned up whatever happened.

/** Rejects if `promise` has not settled within `ms`. */
export function within(ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `runs[id]()` for every id of `cases` in `only`, in order. A run resolves with a report section or a list
 * of them. Resolves with the sections and the failures ({ id, error }).
 */
export async function runCases({ cases, only, runs, timeoutMs, env, log }) {
  const sections = [];
  const failures = [];
  try {
    for (const id of cases.filter((c) => only.has(c))) {
      log(`bench: ${id}`);
      try {
        sections.push(...[await within(timeoutMs, runs[id]())].flat());
      } catch (error) {
        log(`bench: ${id} failed: ${error.stack ?? error}`);
        failures.push({ id, error: error.message });
      }
    }
  } finally {
    await env.cleanup().catch((error) => log(`bench: cleanup failed: ${error.message}`));
  }
  return { sections, failures };
}
