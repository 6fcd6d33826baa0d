/**
 * A Vite plugin for the test projects: some dependencies ship a `//# sourceMappingURL` whose
 * map names sources the package does not contain (itty-router's point outside the package,
 * oauth4webapi's to an unshipped `src/`). Vite then warns once per source on every run, ~18
 * lines of noise before the first test. Such a map cannot help a stack trace anyway, so for a
 * dependency file whose map is broken this loads the code without the comment; a file whose
 * map is whole keeps it, and every other warning stays.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vite";

const MAP_COMMENT = /\n\/\/# sourceMappingURL=([^\s]+)\s*$/;

export function dropBrokenDependencySourcemaps(): Plugin {
  return {
    name: "edge-sso:drop-broken-dependency-sourcemaps",
    enforce: "pre",
    load(id) {
      const file = id.split("?")[0]!;
      if (!file.includes(`${sep}node_modules${sep}`) || !/\.[cm]?js$/.test(file) || !existsSync(file)) return null;
      const code = readFileSync(file, "utf8");
      const comment = MAP_COMMENT.exec(code);
      if (!comment || comment[1]!.startsWith("data:")) return null;
      return mapIsBroken(file, comment[1]!) ? code.slice(0, comment.index + 1) : null;
    },
  };
}

/** Whether the map is missing or names a source that is absent or outside the file's package. */
function mapIsBroken(file: string, mapUrl: string): boolean {
  const mapFile = resolve(dirname(file), decodeURIComponent(mapUrl));
  if (!existsSync(mapFile)) return true;
  let map: { sources?: string[]; sourceRoot?: string; sourcesContent?: unknown[] };
  try {
    map = JSON.parse(readFileSync(mapFile, "utf8")) as typeof map;
  } catch {
    return true;
  }
  const packageRoot = packageRootOf(file);
  return (map.sources ?? []).some((source, i) => {
    if (map.sourcesContent?.[i] != null) return false;
    const path = resolve(dirname(mapFile), map.sourceRoot ?? "", source);
    return !existsSync(path) || relative(packageRoot, path).startsWith("..");
  });
}

function packageRootOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
