import type { Env } from "./env";
import { ApiError } from "./http/api-error";
import { problemResponse } from "./http/problem";
import { withRequestScope } from "./http/request-scope";
import { buildRouter } from "./http/router";
import { LAZY_ROUTE_GROUPS, LOGIN_ROUTES } from "./routes";

const router = buildRouter(LOGIN_ROUTES, LAZY_ROUTE_GROUPS);

export default {
  fetch(request: Request, env: Env, exec: ExecutionContext): Promise<Response> {
    return withRequestScope(request, async () => {
      try {
        const response = await router(request, env, exec);
        return response ?? problemResponse(new ApiError(404, "not_found", "No such route."));
      } catch (error) {
        return problemResponse(error);
      }
    });
  },
} satisfies ExportedHandler<Env>;

export { OrganizationStore } from "./store/organization-store";
export { AppStore } from "./store/app-store";
export { DomainClaim } from "./store/domain-claim";
