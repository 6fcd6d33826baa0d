import * as z from "zod/mini";
import { readFeed } from "../events/read-feed";
import { withoutOutboundDetail } from "../http/outbound-failure";
import { isAppWide } from "./auth";
import { eventsQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { orgOp } from "../store/stores";

/** The org's log also finds a login failure by the reference id its error page showed (SPEC §2). */
const orgEventsQuery = z.object({
  ...eventsQuery.shape,
  referenceId: z.optional(z.string().check(z.regex(/^ref_[0-9a-z]{1,40}$/, "must be a ref_… reference id"))),
});

type OrgQuery = z.infer<typeof orgEventsQuery>;
type Query = z.infer<typeof eventsQuery>;

const tag = "Events";
export const eventRoutes = [
  route({
    method: "GET",
    path: "/api/v1/organizations/:orgId/events",
    tag,
    access: "org",
    audience: "api",
    summary: "The org's audit log, newest first: every admin change and every login attempt",
    query: orgEventsQuery,
    success: { status: 200, description: "A page of events", schema: "EventPage" },
    handler: async ({ env, params, query, actor }: RouteContext<undefined, OrgQuery, { orgId: string }>) => {
      const page = await orgOp(env, params.orgId, "listEvents", {
        ...pageRequest(query),
        type: query.type,
        since: query.since,
        referenceId: query.referenceId,
      });
      // Outbound failure detail is for app-wide keys only (SPEC §2 "Access").
      return json(isAppWide(actor) ? page : { ...page, data: page.data.map(withoutOutboundDetail) });
    },
  }),
  route({
    method: "GET",
    path: "/api/v1/events",
    tag,
    access: "app",
    audience: "api",
    summary: "The app-wide feed, newest first: app-wide changes, every org's events (copied within seconds)",
    query: eventsQuery,
    success: { status: 200, description: "A page of events", schema: "EventPage" },
    handler: async ({ env, query }: RouteContext<undefined, Query>) =>
      json(await readFeed(env, { ...pageRequest(query), type: query.type, since: query.since })),
  }),
];
