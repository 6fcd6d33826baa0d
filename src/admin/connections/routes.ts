import type * as z from "zod/mini";
import { activationDetail, activationErrors } from "../../connections/check-complete";
import { connectionView } from "../../connections/connection-view";
import { ApiError } from "../../http/api-error";
import { pageRequest } from "../../http/pagination";
import { json } from "../../http/problem";
import { route, type RouteContext } from "../../http/route";
import { orgOp } from "../../store/stores";
import { actorName, isAppWide } from "../auth";
import { guardConnectionRoute } from "./guard";
import {
  createConnectionBody,
  idpMetadataBody,
  listConnectionsQuery,
  updateConnectionBody,
  type CreateConnectionBody,
  type UpdateConnectionBody,
} from "./schemas";
import { spMetadataJson } from "./sp-metadata";

const CONNS = "/api/v1/organizations/:orgId/connections";
const CONN = `${CONNS}/:connId`;

// Creating and updating a connection parse certificates (@peculiar/x509), IdP metadata
// (fast-xml-parser) and generate SP keys: imported on first use, so an isolate that only
// serves logins never evaluates those libraries (bench/README.md, module evaluation).
/** The context of a route on one connection, `…/connections/:connId…`. */
type ConnectionContext = RouteContext<undefined, undefined, { orgId: string; connId: string }>;

const createConnection = async (ctx: RouteContext<CreateConnectionBody, undefined, { orgId: string }>) =>
  (await import("./create-connection")).createConnection(ctx);
const updateConnection = async (
  ctx: RouteContext<UpdateConnectionBody, undefined, { orgId: string; connId: string }>,
) => (await import("./update-connection")).updateConnection(ctx);
const setIdpMetadata = async (
  ctx: RouteContext<z.infer<typeof idpMetadataBody>, undefined, { orgId: string; connId: string }>,
) => (await import("./update-connection")).setIdpMetadata(ctx);

async function listConnections(ctx: RouteContext<undefined, z.infer<typeof listConnectionsQuery>, { orgId: string }>) {
  await guardConnectionRoute(ctx, false);
  const { env, params, query } = ctx;
  const page = await orgOp(env, params.orgId, "listConnections", {
    ...pageRequest(query),
    type: query.type,
    state: query.state,
  });
  return json({
    data: await Promise.all(page.data.map((c) => connectionView(c, env.PUBLIC_URL))),
    nextCursor: page.nextCursor,
  });
}

async function getConnection(ctx: ConnectionContext) {
  await guardConnectionRoute(ctx, false);
  const connection = await orgOp(ctx.env, ctx.params.orgId, "getConnection", { id: ctx.params.connId });
  return json(await connectionView(connection, ctx.env.PUBLIC_URL));
}

/** Activation checks the IdP side first; 409 `connection_incomplete` names what is missing. */
async function activateConnection(ctx: ConnectionContext) {
  await guardConnectionRoute(ctx, true);
  const { env, params } = ctx;
  const current = await orgOp(env, params.orgId, "getConnection", { id: params.connId });
  const errors = await activationErrors(env, current, { outboundDetail: isAppWide(ctx.actor) });
  if (errors.length > 0) throw new ApiError(409, "connection_incomplete", activationDetail(errors), errors);
  const record = await orgOp(
    env,
    params.orgId,
    "activateConnection",
    { id: current.id, expectedUpdatedAt: current.updatedAt },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, env.PUBLIC_URL));
}

async function deactivateConnection(ctx: ConnectionContext) {
  await guardConnectionRoute(ctx, false);
  const record = await orgOp(
    ctx.env,
    ctx.params.orgId,
    "deactivateConnection",
    { id: ctx.params.connId },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, ctx.env.PUBLIC_URL));
}

async function deleteConnection(ctx: ConnectionContext) {
  await guardConnectionRoute(ctx, false);
  await orgOp(ctx.env, ctx.params.orgId, "deleteConnection", { id: ctx.params.connId }, actorName(ctx.actor));
  return new Response(null, { status: 204 });
}

async function getSpMetadata(ctx: ConnectionContext) {
  await guardConnectionRoute(ctx, false);
  const connection = await orgOp(ctx.env, ctx.params.orgId, "getConnection", { id: ctx.params.connId });
  return json(spMetadataJson(connection, ctx.env.PUBLIC_URL));
}

const tag = "Connections";
export const connectionRoutes = [
  route({
    method: "POST",
    path: CONNS,
    tag,
    access: "org",
    audience: "api",
    summary: "Create a connection (a draft)",
    body: createConnectionBody,
    success: { status: 201, description: "The connection", schema: "Connection" },
    handler: createConnection,
  }),
  route({
    method: "GET",
    path: CONNS,
    tag,
    access: "org",
    audience: "api",
    summary: "List connections (filters type, state)",
    query: listConnectionsQuery,
    success: { status: 200, description: "A page of connections", schema: "ConnectionPage" },
    handler: listConnections,
  }),
  route({
    method: "GET",
    path: CONN,
    tag,
    access: "org",
    audience: "api",
    summary: "Get a connection",
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: getConnection,
  }),
  route({
    method: "PATCH",
    path: CONN,
    tag,
    access: "org",
    audience: "api",
    summary: "Update a connection",
    body: updateConnectionBody,
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: updateConnection,
  }),
  route({
    method: "DELETE",
    path: CONN,
    tag,
    access: "org",
    audience: "api",
    summary: "Delete a connection",
    success: { status: 204, description: "Deleted" },
    handler: deleteConnection,
  }),
  route({
    method: "POST",
    path: `${CONN}/activate`,
    tag,
    access: "org",
    audience: "api",
    summary: "Activate (go live); 409 connection_incomplete names what is missing",
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: activateConnection,
  }),
  route({
    method: "POST",
    path: `${CONN}/deactivate`,
    tag,
    access: "org",
    audience: "api",
    summary: "Deactivate",
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: deactivateConnection,
  }),
  route({
    method: "GET",
    path: `${CONN}/sp-metadata`,
    tag,
    access: "org",
    audience: "api",
    summary: "SP details as JSON",
    success: { status: 200, description: "SP metadata", schema: "SpMetadata" },
    handler: getSpMetadata,
  }),
  route({
    method: "POST",
    path: `${CONN}/idp-metadata`,
    tag,
    access: "org",
    audience: "api",
    summary: "Set the IdP side from metadata XML, a metadata URL, or fields",
    body: idpMetadataBody,
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: setIdpMetadata,
  }),
];
