// One small bundle per runtime dependency (and per part of src), for the fresh-isolate
// profile of module evaluation: which import costs what when an isolate starts.
import { builtinModules } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { root } from "./wrangler.mjs";

/** What each bundle imports; the worker is a fetch handler that touches the import. */
const ENTRIES = {
  "@xmldom/xmldom": `import * as m from "@xmldom/xmldom";`,
  "xmldsigjs (+ xml-core, pkijs…)": `import * as m from "xmldsigjs";`,
  "@peculiar/x509 (+ our reflect shim)": `import "${join(root, "src", "crypto", "reflect-metadata-shim.ts")}";\nimport * as m from "@peculiar/x509";`,
  zod: `import * as m from "zod";`,
  jose: `import * as m from "jose";`,
  oauth4webapi: `import * as m from "oauth4webapi";`,
  "fast-xml-parser": `import * as m from "fast-xml-parser";`,
  "itty-router": `import * as m from "itty-router";`,
  "src/saml (the verifier)": `import * as m from "${join(root, "src", "saml", "index.ts")}";`,
  "src/http/router + routes": `import * as m from "${join(root, "src", "routes.ts")}";`,
};

/** @returns {Promise<Record<string, {mainModule: string, modules: Record<string, string>}>>} */
export async function dependencyBundles() {
  const external = ["cloudflare:*", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
  const out = {};
  for (const [name, imports] of Object.entries(ENTRIES)) {
    const result = await esbuild.build({
      stdin: {
        contents: `${imports}\nexport default { fetch() { return new Response(String(Object.keys(m).length)); } };`,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      write: false,
      logLevel: "error",
      mainFields: ["module", "main"],
      conditions: ["workerd", "worker", "browser", "import"],
      external,
    });
    out[name] = { mainModule: "index.js", modules: { "index.js": result.outputFiles[0].text } };
  }
  return out;
}
