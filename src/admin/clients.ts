import * as z from "zod/mini";
import { sha256Hex } from "../crypto/hash";
import { notFound } from "../http/api-error";
import { refuseOutboundUrls } from "../http/outbound-url";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { newId, randomToken } from "../lib/ids";
import type { ClientRecord } from "../store/app/client-ops";
import { forgetClient } from "../store/cache/app-records";
import { appOp } from "../store/stores";
import { actorName } from "./auth";
import type { ClientView } from "./response-schemas";
import { isLoopbackHost } from "./schemas";

/** A redirect URI: absolute, no fragment (RFC 6749 §3.1.2), https or loopback http. */
const redirectUri = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    try {
      const url = new URL(value);
      if (url.hash || value.includes("#")) return false;
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, "must be an absolute https:// URL (http:// only for localhost) without a fragment"),
);

/**
 * A browser origin allowed to call the token and userinfo endpoints (CORS): exactly
 * `scheme://host[:port]` as browsers send it in `Origin` (lower-case host, no default port,
 * no path), https or loopback http, never `*` or `null`.
 */
const allowedOrigin = z.string().check(
  z.maxLength(300),
  z.refine((value) => {
    try {
      const url = new URL(value);
      // Exactly the serialized origin; a host of letters, digits, dots and hyphens (no `*`) or an IPv6 literal.
      if (url.origin !== value || !/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return false;
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, "must be an origin exactly as browsers send it: https://host[:port] (http:// only for localhost), no path, never *"),
);

const clientName = z.string().check(z.minLength(1), z.maxLength(200));
const redirectUris = z.array(redirectUri).check(z.minLength(1), z.maxLength(20));
const postLogoutRedirectUris = z.array(redirectUri).check(z.maxLength(20));
const allowedOrigins = z.array(allowedOrigin).check(z.maxLength(20));

const createClientBody = z.strictObject({
  name: clientName,
  redirectUris,
  postLogoutRedirectUris: z.optional(postLogoutRedirectUris),
  allowedOrigins: z.optional(allowedOrigins),
  public: z.optional(z.boolean()),
  backchannelLogoutUri: z.optional(redirectUri),
});

/** PATCH /clients/{clientId} (SPEC §2): what can change without recreating the client. */
const updateClientBody = z.strictObject({
  name: z.optional(clientName),
  redirectUris: z.optional(redirectUris),
  postLogoutRedirectUris: z.optional(postLogoutRedirectUris),
  allowedOrigins: z.optional(allowedOrigins),
  /** Where back-channel logout tokens go (SPEC §9); null stops them. */
  backchannelLogoutUri: z.optional(z.nullable(redirectUri)),
});

/** The client as the API shows it: never the secret or its hash. */
export function clientView(client: ClientRecord): ClientView {
  const { secretHash: _hash, ...view } = client;
  return view;
}

/**
 * edge-sso POSTs logout tokens to `backchannelLogoutUri` itself (SPEC §9): it follows the
 * outbound URL policy like a webhook URL (no private or link-local literals, no credentials,
 * loopback only with ALLOW_INSECURE_LOOPBACK_IDP), checked here and again at each attempt.
 */
function refuseBackchannelUri(env: RouteContext["env"], url: string | null | undefined): void {
  refuseOutboundUrls(env, [{ path: "backchannelLogoutUri", url }]);
}

async function createClient(ctx: RouteContext<z.infer<typeof createClientBody>>) {
  const { body, env } = ctx;
  refuseBackchannelUri(env, body.backchannelLogoutUri);
  const isPublic = body.public ?? false;
  const clientSecret = isPublic ? null : randomToken(32);
  const client = await appOp(
    env,
    "clients",
    "createClient",
    {
      clientId: newId("client"),
      name: body.name,
      redirectUris: body.redirectUris,
      postLogoutRedirectUris: body.postLogoutRedirectUris ?? [],
      allowedOrigins: body.allowedOrigins ?? [],
      public: isPublic,
      backchannelLogoutUri: body.backchannelLogoutUri ?? null,
      secretHash: clientSecret ? await sha256Hex(clientSecret) : null,
    },
    actorName(ctx.actor),
  );
  forgetClient(client.clientId);
  return json({ ...clientView(client), clientSecret }, 201);
}

const tag = "Clients";
export const clientRoutes = [
  route({
    method: "POST",
    path: "/api/v1/clients",
    tag,
    access: "app",
    audience: "api",
    summary: "Create an OAuth client; the secret is shown once",
    body: createClientBody,
    success: { status: 201, description: "The client with its secret", schema: "ClientWithSecret" },
    handler: createClient,
  }),
  route({
    method: "GET",
    path: "/api/v1/clients",
    tag,
    access: "app",
    audience: "api",
    summary: "List OAuth clients",
    query: paginationQuery,
    success: { status: 200, description: "A page of clients", schema: "ClientPage" },
    handler: async ({ env, query }: RouteContext<undefined, z.infer<typeof paginationQuery>>) => {
      const page = await appOp(env, "clients", "listClients", pageRequest(query));
      return json({ data: page.data.map(clientView), nextCursor: page.nextCursor });
    },
  }),
  route({
    method: "GET",
    path: "/api/v1/clients/:clientId",
    tag,
    access: "app",
    audience: "api",
    summary: "Get an OAuth client",
    success: { status: 200, description: "The client", schema: "Client" },
    handler: async ({ env, params }) => {
      const client = await appOp(env, "clients", "getClient", { clientId: params.clientId });
      if (!client) throw notFound("Client");
      return json(clientView(client));
    },
  }),
  route({
    method: "PATCH",
    path: "/api/v1/clients/:clientId",
    tag,
    access: "app",
    audience: "api",
    summary: "Update an OAuth client: name, redirectUris, postLogoutRedirectUris, allowedOrigins, backchannelLogoutUri",
    body: updateClientBody,
    success: { status: 200, description: "The client", schema: "Client" },
    handler: async ({
      env,
      params,
      body,
      actor,
    }: RouteContext<z.infer<typeof updateClientBody>, undefined, { clientId: string }>) => {
      refuseBackchannelUri(env, body.backchannelLogoutUri);
      const client = await appOp(
        env,
        "clients",
        "updateClient",
        { clientId: params.clientId, ...body },
        actorName(actor),
      );
      // At once in this isolate; every other isolate within APP_RECORD_TTL_MS (SPEC §1).
      forgetClient(client.clientId);
      return json(clientView(client));
    },
  }),
  route({
    method: "DELETE",
    path: "/api/v1/clients/:clientId",
    tag,
    access: "app",
    audience: "api",
    summary: "Delete an OAuth client",
    success: { status: 204, description: "Deleted" },
    handler: async (ctx) => {
      await appOp(ctx.env, "clients", "deleteClient", { clientId: ctx.params.clientId }, actorName(ctx.actor));
      forgetClient(ctx.params.clientId);
      return new Response(null, { status: 204 });
    },
  }),
];
