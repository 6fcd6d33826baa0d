// The deployable bundle, as `wrangler deploy --dry-run --outdir` writes it, raw and gzipped.
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { dryRunBundle, root } from "./wrangler.mjs";

/** gzip at level 9: what Cloudflare's compressed-size limit is close to (wrangler prints the same to ~1 %). */
function sizes(bundle) {
  const bytes = Buffer.concat(Object.values(bundle.modules).map((m) => Buffer.from(m, "utf8")));
  return { rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

/** The worker's bundle as configured (not minified), the same minified, and the bench worker's. */
export async function measureBundles(outdir) {
  const main = await dryRunBundle({ config: join(root, "wrangler.toml"), outdir: join(outdir, "main") });
  const minified = await dryRunBundle({
    config: join(root, "wrangler.toml"),
    outdir: join(outdir, "main-min"),
    minify: true,
  });
  const bench = await dryRunBundle({ config: join(root, "bench", "wrangler.toml"), outdir: join(outdir, "bench") });
  return {
    bundle: {
      ...sizes(main),
      minified: sizes(minified),
      wranglerSays: main.wranglerSays,
      wranglerSaysMinified: minified.wranglerSays,
    },
    bundles: { main, mainMinified: minified, bench },
  };
}
