#!/usr/bin/env node
// `npm run smoke -- https://sso.example.com`: checks a deployed edge-sso from the outside —
// discovery names that URL as its issuer, JWKS publishes a signing key, /openapi.json is
// served — and exits 0 when all hold, 1 when one fails (each check printed). http:// is
// refused unless --allow-http (a local `npm run dev`): production must be https.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Runs the checks against `baseUrl`; returns one line per check.
 * @param {string} baseUrl
 * @param {{allowHttp?: boolean, fetch?: typeof fetch}} [options]
 * @returns {Promise<{ok: boolean, lines: string[]}>}
 */
export async function smoke(baseUrl, { allowHttp = false, fetch: get = fetch } = {}) {
  const lines = [];
  let ok = true;
  const check = async (name, run) => {
    try {
      const detail = await run();
      lines.push(`ok    ${name}${detail ? `: ${detail}` : ""}`);
    } catch (error) {
      ok = false;
      lines.push(`FAIL  ${name}: ${error instanceof Error ? error.message : error}`);
    }
  };
  const base = baseUrl.replace(/\/+$/, "");
  const json = async (path) => {
    const response = await get(`${base}${path}`, { headers: { accept: "application/json" }, redirect: "manual" });
    if (response.status !== 200) throw new Error(`GET ${path} answered HTTP ${response.status}`);
    return response.json();
  };
  await check("PUBLIC_URL is https", async () => {
    const url = new URL(base);
    if (url.protocol !== "https:" && !allowHttp)
      throw new Error(`${base} is not https:// (give --allow-http for local dev)`);
    return url.origin;
  });
  await check("discovery names this URL as its issuer", async () => {
    const doc = await json("/.well-known/openid-configuration");
    if (doc.issuer !== base) throw new Error(`issuer is ${JSON.stringify(doc.issuer)}: set PUBLIC_URL to ${base}`);
    for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri"])
      if (typeof doc[field] !== "string" || !doc[field].startsWith(base)) throw new Error(`${field} is ${doc[field]}`);
    return doc.issuer;
  });
  await check("JWKS publishes an ES256 signing key", async () => {
    const jwks = await json("/.well-known/jwks.json");
    const keys = Array.isArray(jwks.keys) ? jwks.keys : [];
    const signing = keys.filter((k) => k.kty === "EC" && k.alg === "ES256" && k.kid && !("d" in k));
    if (signing.length === 0) throw new Error(`no ES256 public key among ${keys.length} keys`);
    return `${signing.length} key(s), kid ${signing[0].kid}`;
  });
  await check("/openapi.json is served", async () => {
    const doc = await json("/openapi.json");
    if (typeof doc.openapi !== "string" || !doc.paths) throw new Error("not an OpenAPI document");
    return `OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths`;
  });
  return { ok, lines };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const allowHttp = args.includes("--allow-http");
  const url = args.find((a) => !a.startsWith("--"));
  if (!url) {
    console.error("usage: npm run smoke -- https://your-edge-sso.example.com [--allow-http]");
    process.exit(2);
  }
  const result = await smoke(url, { allowHttp });
  console.log(result.lines.join("\n"));
  process.exit(result.ok ? 0 : 1);
}
