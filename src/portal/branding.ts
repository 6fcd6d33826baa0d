import type { Env } from "../env";
import { brandingOf } from "../flow/branding";

/** The app's name and logo as the portal shows them: the hosted pages' branding (flow/branding.ts). */
export interface PortalBranding {
  name: string;
  logoUrl: string | null;
}

/** The portal always names someone: APP_NAME, else "edge-sso". */
export function appBranding(env: Pick<Env, "APP_NAME" | "APP_LOGO_URL" | "PUBLIC_URL">): PortalBranding {
  const branding = brandingOf(env);
  return { name: branding.appName ?? "edge-sso", logoUrl: branding.logoUrl };
}
