import { entraIdScimGuide } from "./entra-id";
import { genericScimGuide } from "./generic";
import type { ScimGuide } from "./guide";
import { jumpcloudScimGuide } from "./jumpcloud";
import { oktaScimGuide } from "./okta";
import { oneloginScimGuide } from "./onelogin";

export type { ScimGuide, ScimValues } from "./guide";

/** The SCIM guides the portal's SCIM step shows (SPEC §10), the generic one last. */
export const SCIM_GUIDES: readonly ScimGuide[] = [
  oktaScimGuide,
  entraIdScimGuide,
  oneloginScimGuide,
  jumpcloudScimGuide,
  genericScimGuide,
];
