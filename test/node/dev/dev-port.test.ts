/**
 * `npm run dev` and its port (issue 16 item 1, SPEC §1): PUBLIC_URL follows the port wrangler
 * listens on unless .dev.vars or the environment sets it, so the issuer in discovery is the
 * URL the service answers on. Run for real: `wrangler dev` started the way `npm run dev` does,
 * with a temporary .dev.vars and state, on a free port.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devPublicUrl, portFromArgs, readVar } from "../../../scripts/lib/dev-command.mjs";
import { startDev } from "../../../scripts/dev.mjs";
import { smoke } from "../../../scripts/smoke.mjs";
import { freePort } from "../e2e/system";

const SECRETS = "ADMIN_API_KEY=dev-port-test-admin-key\nSECRETS_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * Starts `npm run dev`'s wrangler with this .dev.vars text and env; returns discovery's issuer,
 * after running `whileUp` against it.
 */
async function issuerOf(
  devVars: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  whileUp: (url: string) => Promise<void> = async () => {},
) {
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-dev-"));
  dirs.push(dir);
  const devVarsPath = join(dir, ".dev.vars");
  await writeFile(devVarsPath, devVars);
  const port = await freePort();
  const { PUBLIC_URL: _ignored, ...rest } = process.env;
  const lines: string[] = [];
  const dev = startDev({
    args: [
      ...args.map((a) => a.replace("{port}", String(port))),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
    ],
    env: { ...rest, CI: "true", ...env },
    devVarsPath,
    persistTo: join(dir, "state"),
    stdio: ["ignore", "pipe", "pipe"],
    log: (line) => lines.push(line),
  });
  let output = "";
  dev.child.stdout?.on("data", (d) => (output += d));
  dev.child.stderr?.on("data", (d) => (output += d));
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (dev.child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output.slice(-3000)}`);
      const res = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`).catch(() => null);
      if (res?.ok) {
        const { issuer } = (await res.json()) as { issuer: string };
        await whileUp(`http://127.0.0.1:${port}`);
        return { issuer, port, lines, dev };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`wrangler dev did not answer on ${port}:\n${output.slice(-3000)}`);
  } finally {
    dev.child.kill("SIGTERM");
    await new Promise((r) => (dev.child.exitCode !== null ? r(null) : dev.child.once("exit", r)));
  }
}

describe("npm run dev: PUBLIC_URL and the port", () => {
  it("reads the port from --port N, --port=N and -p N; 8787 by default; refuses a bad one", () => {
    expect(portFromArgs([])).toBe(8787);
    expect(portFromArgs(["--port", "8801"])).toBe(8801);
    expect(portFromArgs(["--port=8802", "--ip", "0.0.0.0"])).toBe(8802);
    expect(portFromArgs(["-p", "8803"])).toBe(8803);
    expect(() => portFromArgs(["--port", "http"])).toThrow(/port number/);
    expect(() => portFromArgs(["-p"])).toThrow(/port number/);
  });

  it("takes PUBLIC_URL from the environment, else .dev.vars, else the port", () => {
    const args = ["--port", "8801"];
    expect(devPublicUrl({ args, env: {}, devVarsText: "" })).toEqual({
      publicUrl: "http://localhost:8801",
      source: "port",
      port: 8801,
    });
    const file = 'ADMIN_API_KEY=k\nPUBLIC_URL="https://sso.dev.example"\n';
    expect(readVar(file, "PUBLIC_URL")).toBe("https://sso.dev.example");
    expect(devPublicUrl({ args, env: {}, devVarsText: file }).publicUrl).toBe("https://sso.dev.example");
    expect(devPublicUrl({ args, env: { PUBLIC_URL: "https://env.example" }, devVarsText: file }).publicUrl).toBe(
      "https://env.example",
    );
  });

  it("serves discovery whose issuer is its own port; npm run smoke passes against it", async () => {
    let smoked: Awaited<ReturnType<typeof smoke>>[] = [];
    const run = await issuerOf(SECRETS, ["--port", "{port}"], {}, async (url) => {
      const local = url.replace("127.0.0.1", "localhost");
      smoked = [await smoke(local, { allowHttp: true }), await smoke(local), await smoke(url, { allowHttp: true })];
    });
    expect(run.issuer).toBe(`http://localhost:${run.port}`);
    const [passed, notHttps, wrongIssuer] = smoked;
    expect(passed!.lines.join("\n")).not.toContain("FAIL");
    expect(passed!.ok).toBe(true);
    expect(passed!.lines).toHaveLength(4);
    // Production must be https, and PUBLIC_URL must name the URL the service is reached at.
    expect(notHttps!.ok).toBe(false);
    expect(notHttps!.lines[0]).toMatch(/^FAIL {2}PUBLIC_URL is https/);
    expect(wrongIssuer!.ok).toBe(false);
    expect(wrongIssuer!.lines[1]).toContain(`set PUBLIC_URL to http://127.0.0.1:${run.port}`);
    expect(run.lines.join("\n")).toContain(`PUBLIC_URL=http://localhost:${run.port} (from the port (${run.port})`);
  });

  it("keeps the PUBLIC_URL that .dev.vars or the environment sets, whatever the port", async () => {
    const fromFile = await issuerOf(`${SECRETS}PUBLIC_URL=https://sso.dev.example\n`, ["-p", "{port}"]);
    expect(fromFile.issuer).toBe("https://sso.dev.example");
    const fromEnv = await issuerOf(SECRETS, ["--port={port}"], { PUBLIC_URL: "https://env.dev.example" });
    expect(fromEnv.issuer).toBe("https://env.dev.example");
  });
});
