import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * Structural rules no runtime test can see: one module owns each shared resource.
 * - An object has one alarm, and `setAlarm` replaces the last one: only the scheduler may
 *   set or delete it (SPEC §1), or one feature's alarm silently cancels another's.
 * - KV `DOMAINS` mirrors what org operations report: only src/domains/domain-index.ts
 *   writes it, so no route refreshes the index by hand and none forgets to.
 */
const SRC = resolve(__dirname, "../../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The files of src/ whose code matches `pattern`, relative to the repository. */
function filesMatching(pattern: RegExp): string[] {
  return sourceFiles(SRC)
    .filter((file) => pattern.test(readFileSync(file, "utf8")))
    .map((file) => relative(resolve(SRC, ".."), file))
    .sort();
}

describe("single writers", () => {
  it("only the scheduler sets or deletes an object's alarm", () => {
    expect(filesMatching(/\b(setAlarm|deleteAlarm)\s*\(/)).toEqual(["src/store/scheduler/scheduler.ts"]);
  });

  it("only the domain index touches KV DOMAINS", () => {
    // Any use of the binding, not only put/delete: an alias (`const kv = env.DOMAINS`) is caught too.
    expect(filesMatching(/\.\s*DOMAINS\b/)).toEqual(["src/domains/domain-index.ts"]);
  });
});
