import type { Env } from "../../src/env";
import { freshIsolates, TRIVIAL_BUNDLE, type FreshRequest } from "./fresh-isolates";
import { prepare, verifyInput, verifyOrThrow, type BenchSetup, type Prepared } from "./operations";
import { growthOperation } from "./growth";
import { coldPhases, profilePhases } from "./phases";
import { DEFAULT_PLAN, timeBatches, timeOnce, type BatchPlan } from "./timing";

/**
 * The bench worker (bench/wrangler.toml): the real src modules, timed inside workerd.
 *   POST /setup         BenchSetup → prepares keys, an org and a connection; checks every operation once
 *   POST /run           {op, plan?} → BatchTiming of one operation
 *   POST /phases        {fixture: "signed" | "encrypted", plan?} → BatchTiming per verification step
 *   POST /fresh         FreshRequest → fresh isolates through the Worker Loader
 *   POST /first-verify  BenchSetup → what a fresh isolate's first verifications cost
 *   POST /first-phases  BenchSetup → the same, step by step
 *   POST /verify-once   BenchSetup → one verification (none with ?verify=0): a fresh isolate's CPU figure
 *   POST /growth        {rows} → a fresh org with `rows` rows per login table; adds op `growth.<rows>`
 */
type BenchEnv = Env & { LOADER: WorkerLoader };

let prepared: Prepared | null = null;

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    try {
      if (path === "/setup") {
        prepared = await prepare(env, await request.json<BenchSetup>());
        return Response.json({ ok: true, operations: Object.keys(prepared.operations) });
      }
      if (path === "/run") {
        const { op, plan } = await request.json<{ op: string; plan?: Partial<BatchPlan> }>();
        const operation = requirePrepared().operations[op];
        if (!operation) return Response.json({ error: `no operation ${op}` }, { status: 404 });
        return Response.json(await timeBatches(operation, { ...DEFAULT_PLAN, ...plan }));
      }
      if (path === "/phases") {
        const { fixture, plan } = await request.json<{ fixture: "signed" | "encrypted"; plan?: Partial<BatchPlan> }>();
        const { setup } = requirePrepared();
        const input = verifyInput(setup, setup[fixture], fixture === "encrypted");
        return Response.json(await profilePhases(input, { ...DEFAULT_PLAN, ...plan }));
      }
      if (path === "/fresh") {
        const body = await request.json<FreshRequest>();
        return Response.json(
          await freshIsolates(env.LOADER, {
            ...body,
            bundles: { trivial: { ...TRIVIAL_BUNDLE, request: { path: "/" } }, ...body.bundles },
          }),
        );
      }
      if (path === "/growth") {
        const { rows } = await request.json<{ rows: number }>();
        const { setup, operations } = requirePrepared();
        const { operation, counts } = await growthOperation(env, setup.email, rows);
        operations[`growth.${rows}`] = operation;
        return Response.json({ op: `growth.${rows}`, counts });
      }
      if (path === "/first-verify") return Response.json(await firstVerifications(await request.json<BenchSetup>()));
      if (path === "/verify-once") {
        // A fresh isolate's first request: read the setup and build the input, then verify once
        // unless ?verify=0 (the same request without the verification, what the CPU figure subtracts).
        const setup = await request.json<BenchSetup>();
        const input = verifyInput(setup, setup.signed, false);
        if (new URL(request.url).searchParams.get("verify") !== "0") await verifyOrThrow(input);
        return Response.json({ ok: true });
      }
      if (path === "/first-phases") {
        const setup = await request.json<BenchSetup>();
        return Response.json(await coldPhases(verifyInput(setup, setup.signed, false)));
      }
      return new Response("not found", { status: 404 });
    } catch (error) {
      return Response.json(
        { error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
        { status: 500 },
      );
    }
  },
} satisfies ExportedHandler<BenchEnv>;

function requirePrepared(): Prepared {
  if (!prepared) throw new Error("POST /setup first");
  return prepared;
}

/** In a fresh isolate: the first verification, the second, and the mean of the next 50 (ms). */
async function firstVerifications(setup: BenchSetup) {
  const input = verifyInput(setup, setup.signed, false);
  const first = await timeOnce(() => verifyOrThrow(input));
  const second = await timeOnce(() => verifyOrThrow(input));
  const next = await timeOnce(async () => {
    for (let i = 0; i < 50; i++) await verifyOrThrow(input);
  });
  return { firstMs: first.ms, secondMs: second.ms, next50MeanMs: next.ms / 50 };
}

// The real objects, bound in bench/wrangler.toml: the DO round trips run the real code (the org
// object with one bench-only method that fills its tables, bench/worker/growth.ts).
export { OrganizationStore } from "./growth";
export { AppStore } from "../../src/store/app-store";
export { DomainClaim } from "../../src/store/domain-claim";
