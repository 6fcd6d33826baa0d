import type * as z from "zod/mini";
import { eventsQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { appOp, orgOp } from "../store/stores";

type Query = z.infer<typeof eventsQuery>;

const tag = "Events";
export const eventRoutes = [
  route({
    method: "GET",
    path: "/api/v1/organizations/:orgId/events",
    tag,
    access: "org",
    audience: "api",
    summary: "The org's audit log, newest first",
    query: eventsQuery,
    success: { status: 200, description: "A page of events" },
    handler: async ({ env, params, query }: RouteContext<undefined, Query, { orgId: string }>) =>
      json(
        await orgOp(env, params.orgId, "listEvents", { ...pageRequest(query), type: query.type, since: query.since }),
      ),
  }),
  route({
    method: "GET",
    path: "/api/v1/events",
    tag,
    access: "app",
    audience: "api",
    summary: "The app-wide audit log, newest first",
    query: eventsQuery,
    success: { status: 200, description: "A page of events" },
    handler: async ({ env, query }: RouteContext<undefined, Query>) =>
      json(
        await appOp(env, "events", "listAppEvents", { ...pageRequest(query), type: query.type, since: query.since }),
      ),
  }),
];
