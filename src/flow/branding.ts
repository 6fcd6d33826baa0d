import type { Env } from "../env";

/**
 * Who the hosted pages say is signing the user in (SPEC §1 `APP_NAME`, `APP_LOGO_URL`). The
 * logo is shown only as a `data:` image or a same-origin URL, so a page loads nothing from
 * elsewhere (its CSP allows exactly that, flow/html.ts).
 */
export interface Branding {
  appName: string | null;
  logoUrl: string | null;
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/;

export function brandingOf(env: Pick<Env, "APP_NAME" | "APP_LOGO_URL" | "PUBLIC_URL">): Branding {
  const appName = env.APP_NAME?.trim().slice(0, 100) || null;
  return { appName, logoUrl: logoUrlOf(env.APP_LOGO_URL, env.PUBLIC_URL) };
}

/** The logo URL when it is a data: image, a path on this host, or a URL of PUBLIC_URL's origin; else none. */
function logoUrlOf(value: string | undefined, publicUrl: string): string | null {
  const logo = value?.trim();
  if (!logo) return null;
  if (DATA_IMAGE.test(logo)) return logo;
  if (logo.startsWith("/") && !logo.startsWith("//")) return logo;
  try {
    return new URL(logo).origin === new URL(publicUrl).origin ? logo : null;
  } catch {
    return null;
  }
}
