/**
 * Cold start inside workerd: the Worker Loader binding starts a fresh isolate per
 * `load()`, so module evaluation and the first verification can be observed many times
 * in one run. Module-level code cannot time itself (the clock reads 0 while modules
 * evaluate), so evaluation is timed from this, the parent isolate: load + first response
 * of a bundle, minus the same for a trivial module.
 */

/** A bundle as `wrangler deploy --dry-run --outdir` writes it: module name → source. */
export interface Bundle {
  mainModule: string;
  modules: Record<string, string>;
}

/** Body of POST /fresh. */
export interface FreshRequest {
  compatibilityDate: string;
  compatibilityFlags: string[];
  rounds: number;
  /** Each bundle is loaded `rounds` times; each load's first request is `request`. */
  bundles: Record<string, Bundle & { request: { path: string; method?: string; body?: string } }>;
}

/** Per bundle and round: wall ms to the first response, to a second one, and what the isolate reported. */
export interface FreshSample {
  firstMs: number;
  secondMs: number;
  reported: unknown;
}

export const TRIVIAL_BUNDLE: Bundle = {
  mainModule: "trivial.js",
  modules: { "trivial.js": "export default { fetch() { return new Response('{}'); } };" },
};

export async function freshIsolates(loader: WorkerLoader, body: FreshRequest): Promise<Record<string, FreshSample[]>> {
  const out: Record<string, FreshSample[]> = {};
  for (let round = 0; round < body.rounds; round++) {
    // Interleaved, so drift on the shared machine hits every bundle alike.
    for (const [name, bundle] of Object.entries(body.bundles)) {
      const modules = Object.fromEntries(Object.entries(bundle.modules).map(([path, js]) => [path, { js }]));
      const request = () =>
        new Request(`http://fresh${bundle.request.path}`, {
          method: bundle.request.method ?? "GET",
          body: bundle.request.body ?? null,
        });
      const t0 = performance.now();
      const worker = loader.load({
        compatibilityDate: body.compatibilityDate,
        compatibilityFlags: body.compatibilityFlags,
        mainModule: bundle.mainModule,
        modules,
      });
      const entry = worker.getEntrypoint();
      const first = await entry.fetch(request());
      const reported = await first.text();
      const t1 = performance.now();
      await (await entry.fetch(request())).text();
      const t2 = performance.now();
      if (first.status >= 500)
        throw new Error(`${name}: the fresh isolate answered ${first.status}: ${reported.slice(0, 500)}`);
      (out[name] ??= []).push({ firstMs: t1 - t0, secondMs: t2 - t1, reported: parseJson(reported) });
    }
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
