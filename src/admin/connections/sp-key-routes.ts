import type * as z from "zod/mini";
import type { spKeyRotationSchema } from "../../connections/connection-schema";
import { connectionView } from "../../connections/connection-view";
import { seal } from "../../crypto/seal";
import { json } from "../../http/problem";
import { route, type RouteContext } from "../../http/route";
import { orgOp } from "../../store/stores";
import { actorName } from "../auth";
import { guardConnectionRoute } from "./guard";

/**
 * SP key rollover (SPEC §9): rotate publishes a new signing and encryption pair in SP
 * metadata beside the active one; activate switches signing and decryption to it while the
 * replaced pair keeps decrypting; `DELETE …/previous` removes the replaced pair. Org-scoped
 * keys may use these on their own org (SPEC §2 "Access": connections and `sp-keys`).
 */
const SP_KEYS = "/api/v1/organizations/:orgId/connections/:connId/sp-keys";

type SpKeysContext = RouteContext<undefined, undefined, { orgId: string; connId: string }>;

async function rotateSpKeys(ctx: SpKeysContext): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  const { env, params } = ctx;
  // Key generation loads @peculiar/x509: on first use, never at isolate start.
  const { generateSpKeyPair } = await import("../../crypto/sp-keys");
  const [signing, encryption] = await Promise.all([
    generateSpKeyPair({ commonName: `edge-sso ${params.connId} signing` }),
    generateSpKeyPair({ commonName: `edge-sso ${params.connId} encryption` }),
  ]);
  const pair = {
    signingCertificate: signing.certificatePem,
    encryptionCertificate: encryption.certificatePem,
    sealedSigningKey: await seal(env, signing.privateKeyPem),
    sealedEncryptionKey: await seal(env, encryption.privateKeyPem),
  };
  await orgOp(env, params.orgId, "rotateSpKeys", { id: params.connId, pair }, actorName(ctx.actor));
  const body: z.output<typeof spKeyRotationSchema> = {
    signing: signing.certificatePem,
    encryption: encryption.certificatePem,
  };
  return json(body, 201);
}

async function activateSpKeys(ctx: SpKeysContext): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  const record = await orgOp(
    ctx.env,
    ctx.params.orgId,
    "activateSpKeys",
    { id: ctx.params.connId },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, ctx.env.PUBLIC_URL));
}

async function dropPreviousSpKeys(ctx: SpKeysContext): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  await orgOp(ctx.env, ctx.params.orgId, "dropPreviousSpKeys", { id: ctx.params.connId }, actorName(ctx.actor));
  return new Response(null, { status: 204 });
}

const tag = "Connections";
export const spKeyRoutes = [
  route({
    method: "POST",
    path: `${SP_KEYS}/rotate`,
    tag,
    access: "org",
    audience: "api",
    summary:
      "Publish a new SP signing and encryption key pair beside the active one (409 while one is pending or the previous pair is kept)",
    success: { status: 201, description: "The new pair's certificates (PEM)", schema: "SpKeyRotation" },
    handler: rotateSpKeys,
  }),
  route({
    method: "POST",
    path: `${SP_KEYS}/activate`,
    tag,
    access: "org",
    audience: "api",
    summary:
      "Sign and decrypt with the pending SP key pair; the replaced pair keeps decrypting (409 when none is pending)",
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: activateSpKeys,
  }),
  route({
    method: "DELETE",
    path: `${SP_KEYS}/previous`,
    tag,
    access: "org",
    audience: "api",
    summary: "Remove the SP key pair the last activation replaced (404 when there is none)",
    success: { status: 204, description: "Removed" },
    handler: dropPreviousSpKeys,
  }),
];
