// Bundles an entry like wrangler does, stubs cloudflare:*, imports it N times in fresh node processes, reports eval ms.
import * as esbuild from "esbuild";
import { writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
const entry = process.argv[2] ?? "src/index.ts";
const out = process.argv[3] ?? "/tmp/hotpath/bundle.mjs";
const r = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  metafile: true,
  outfile: out,
  logLevel: "error",
  plugins: [
    {
      name: "cf",
      setup(b) {
        b.onResolve({ filter: /^cloudflare:/ }, () => ({ path: "cf", namespace: "cf" }));
        b.onLoad({ filter: /.*/, namespace: "cf" }, () => ({
          contents:
            "export class DurableObject { constructor(c,e){this.ctx=c;this.env=e;} } export class WorkerEntrypoint {}; export const env = {}; export const waitUntil = () => {}; export const connect = () => {};",
          loader: "js",
        }));
      },
    },
  ],
  external: ["node:*"],
});
writeFileSync(out + ".meta.json", JSON.stringify(r.metafile));
const runs = [];
for (let i = 0; i < 7; i++) {
  const ms = execFileSync(process.execPath, [
    "--input-type=module",
    "-e",
    `const t=performance.now(); await import(${JSON.stringify(out)}); console.log(performance.now()-t)`,
  ])
    .toString()
    .trim();
  runs.push(Number(ms));
}
runs.sort((a, b) => a - b);
console.log(
  entry,
  "eval ms median",
  runs[3].toFixed(1),
  "min",
  runs[0].toFixed(1),
  "all",
  runs.map((x) => x.toFixed(0)).join(" "),
);
