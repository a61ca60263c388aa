// A story: steps that run in order and share what they found. After a failed step the rest
// are skipped (each would only fail for the same reason), and every page of the story is
// photographed as it was when the step failed.

import { it } from 'node:test';

export function story(shot) {
  let failed = null;
  const pages = new Map();
  return {
    /** Names a page for the failure screenshots. */
    watch(name, page) {
      pages.set(name, page);
    },
    step(name, fn) {
      it(name, async (t) => {
        if (failed) {
          t.skip(`an earlier step failed: ${failed}`);
          return;
        }
        try {
          await fn(t);
        } catch (error) {
          failed = name;
          for (const [who, page] of pages) {
            await shot(page, `FAILED-${who}`).catch(() => {});
          }
          throw error;
        }
      });
    },
  };
}
