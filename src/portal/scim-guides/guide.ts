import type { PROVIDERS } from "../../admin/connections/schemas";

/** What the IdP's provisioning screen needs from us (SPEC §10). */
export interface ScimValues {
  /** `{PUBLIC_URL}/scim/v2/{orgId}`. */
  baseUrl: string;
}

/**
 * One IdP's SCIM provisioning guide (SPEC §10, issue 17 "a short guide per IdP"): its own
 * screen and field names — where the base URL and the token go, which attribute is the
 * unique user name, which actions to turn on. One file per IdP in this folder, beside the
 * SSO guides of ../guides; `index.ts` lists them. To add one, add a file and a line there.
 */
export interface ScimGuide {
  id: string;
  /** The IdP's name as its admins know it. */
  name: string;
  /** The connection `provider` whose SSO guide this one goes with (opened first in the portal). */
  provider: (typeof PROVIDERS)[number];
  /** The steps in the IdP's console, as HTML built with `ui` and `value` (../guides/guide.ts). */
  steps(values: ScimValues): string[];
}
