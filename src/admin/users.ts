import * as z from "zod/mini";
import { json } from "../http/problem";
import { paginationQuery, pageRequest } from "../http/pagination";
import { route, type RouteContext } from "../http/route";
import { orgOp } from "../store/stores";
import { actorName } from "./auth";

const USERS = "/api/v1/organizations/:orgId/users";

const createUserBody = z.strictObject({
  email: z.email().check(z.maxLength(320)),
  firstName: z.optional(z.string().check(z.maxLength(200))),
  lastName: z.optional(z.string().check(z.maxLength(200))),
});

async function createUser(ctx: RouteContext<z.infer<typeof createUserBody>, undefined, { orgId: string }>) {
  const member = await orgOp(
    ctx.env,
    ctx.params.orgId,
    "createMember",
    { ...ctx.body, email: ctx.body.email.toLowerCase() },
    actorName(ctx.actor),
  );
  return json(member, 201);
}

const tag = "Users";
export const userRoutes = [
  route({
    method: "POST",
    path: USERS,
    tag,
    access: "org",
    audience: "api",
    summary: "Add a member",
    body: createUserBody,
    success: { status: 201, description: "The member", schema: "Member" },
    handler: createUser,
  }),
  route({
    method: "GET",
    path: USERS,
    tag,
    access: "org",
    audience: "api",
    summary: "List members",
    query: paginationQuery,
    success: { status: 200, description: "A page of members", schema: "MemberPage" },
    handler: async (ctx: RouteContext<undefined, z.infer<typeof paginationQuery>, { orgId: string }>) =>
      json(await orgOp(ctx.env, ctx.params.orgId, "listMembers", pageRequest(ctx.query))),
  }),
  route({
    method: "GET",
    path: `${USERS}/:userId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Get a member",
    success: { status: 200, description: "The member", schema: "Member" },
    handler: async (ctx) => json(await orgOp(ctx.env, ctx.params.orgId, "getMember", { id: ctx.params.userId })),
  }),
  route({
    method: "DELETE",
    path: `${USERS}/:userId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Remove a member",
    success: { status: 204, description: "Deleted" },
    handler: async (ctx) => {
      await orgOp(ctx.env, ctx.params.orgId, "deleteMember", { id: ctx.params.userId }, actorName(ctx.actor));
      return new Response(null, { status: 204 });
    },
  }),
];
