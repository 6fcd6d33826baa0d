import type { Route } from "../http/route";
import { apiKeyRoutes } from "./api-keys";
import { clientRoutes } from "./clients";
import { connectionRoutes } from "./connections/routes";
import { spKeyRoutes } from "./connections/sp-key-routes";
import { eventRoutes } from "./events";
import { ldapTestRoutes } from "./ldap-tests";
import { organizationRoutes } from "./organizations";
import { scimTokenRoutes } from "./scim-tokens";
import { setupLinkRoutes } from "./setup-links";
import { ssoRoutes } from "./sso";
import { userRoutes } from "./users";
import { webhookRoutes } from "./webhooks";

/**
 * The admin API under /api/v1 (SPEC §2), loaded on the first /api request of an isolate
 * (src/routes.ts): its zod schemas are not evaluated when an isolate starts for a login.
 */
export const adminRoutes: Route[] = [
  ...organizationRoutes,
  ...ssoRoutes,
  ...connectionRoutes,
  ...spKeyRoutes,
  ...userRoutes,
  ...setupLinkRoutes,
  ...scimTokenRoutes,
  ...eventRoutes,
  ...clientRoutes,
  ...apiKeyRoutes,
  ...webhookRoutes,
  ...ldapTestRoutes,
];
