import type { Route } from "../http/route";
import { discoveryRoutes } from "./discovery";
import { signingKeyRoutes } from "./signing-key-routes";
import { tokenRoutes } from "./token-endpoint";
import { userinfoRoutes } from "./userinfo-endpoint";

/** The app-facing OpenID provider's routes (SPEC §4), and signing-key rotation. */
export const oauthRoutes: Route[] = [...tokenRoutes, ...userinfoRoutes, ...discoveryRoutes, ...signingKeyRoutes];
