/**
 * JWKS on a fresh instance (issue 16 item 4): the first JWKS request creates the signing key,
 * so an RP that caches JWKS before the first login can verify the first ID token. Storage is
 * per test file, so this file's app-wide objects start empty: a fresh instance.
 */
import { runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { expect, it } from "vitest";
import type { AppStore } from "../../../src/store/app-store";
import {
  basic,
  BASE,
  createClient,
  createTenant,
  issueCode,
  REDIRECT_URI,
  send,
  tokenRequest,
  workerEnv,
} from "./helpers";

const signingKeyRows = () =>
  runInDurableObject(workerEnv.APP.get(workerEnv.APP.idFromName("signing-keys")), (_store: AppStore, state) =>
    state.storage.sql.exec<{ kid: string }>("SELECT kid FROM signing_keys").toArray(),
  );

it("creates the first key on the first JWKS request, once, and signs the first ID token with it", async () => {
  expect(await signingKeyRows()).toEqual([]);
  // Several RPs asking at once still get one key.
  const replies = await Promise.all([1, 2, 3].map(() => send("/.well-known/jwks.json")));
  for (const reply of replies) {
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.keys).toHaveLength(1);
  }
  const kid = replies[0]!.body.keys[0].kid as string;
  expect(new Set(replies.map((r) => r.body.keys[0].kid))).toEqual(new Set([kid]));
  expect(await signingKeyRows()).toEqual([{ kid }]);

  // The JWKS an RP cached before any login verifies the first token.
  const cachedJwks = createLocalJWKSet(replies[0]!.body);
  const [tenant, client] = await Promise.all([createTenant(), createClient()]);
  const code = await issueCode(tenant, { clientId: client.clientId });
  const token = await tokenRequest(
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
    { authorization: basic(client.clientId, client.clientSecret!) },
  );
  expect(token.status, token.text).toBe(200);
  expect(decodeProtectedHeader(token.body.id_token).kid).toBe(kid);
  await jwtVerify(token.body.id_token, cachedJwks, { issuer: BASE, audience: client.clientId });
});
