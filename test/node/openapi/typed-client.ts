/**
 * edge-sso's API through openapi-fetch, typed by the generated clients/typescript types:
 * what an app developer writes. `npm test` type-checks this folder on its own
 * (test/node/openapi/tsconfig.json), so a response type that loses its shape fails there.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../../clients/typescript/edge-sso-api";

export type EdgeSsoClient = Client<paths>;

export function typedClient(baseUrl: string, adminKey: string, fetch: (input: Request) => Promise<Response>) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey}` }, fetch });
}

/** Compile-time checks of the generated types: each line fails to compile if its type were loose. */
export function typeChecks(org: components["schemas"]["Organization"], tokens: components["schemas"]["TokenResponse"]) {
  const slug: string = org.slug;
  // @ts-expect-error activeSso is a union of literals, not any string
  const sso: "okta" = org.activeSso;
  // @ts-expect-error an organization has no secret
  const secret = org.clientSecret;
  const email: string = tokens.profile.email;
  // @ts-expect-error groups are strings
  const group: number = tokens.profile.groups[0]!;
  return [slug, sso, secret, email, group];
}
