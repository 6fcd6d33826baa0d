import type { Profile } from "../store/org/login-types";
import type { ProfileView } from "./response-schemas";

/** The user claims of the ID token and of /oauth/userinfo (SPEC §4, OIDC Core §5.1). */
export interface UserClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  given_name?: string;
  family_name?: string;
  name?: string;
  org_id: string;
  groups: string[];
  roles: string[];
}

/**
 * The standard claims of a profile. A claim with no value is omitted rather than sent
 * as null (OIDC Core §5.3.2).
 */
export function userClaims(profile: Profile): UserClaims {
  const name = [profile.firstName, profile.lastName].filter((part): part is string => !!part).join(" ");
  return {
    sub: profile.id,
    email: profile.email,
    email_verified: profile.emailVerified,
    ...(profile.firstName ? { given_name: profile.firstName } : {}),
    ...(profile.lastName ? { family_name: profile.lastName } : {}),
    ...(name ? { name } : {}),
    org_id: profile.organizationId,
    groups: profile.groups,
    roles: profile.roles,
  };
}

/** The `profile` of the token response, exactly the SPEC §4 fields. */
export function profileView(profile: Profile): ProfileView {
  return {
    id: profile.id,
    organizationId: profile.organizationId,
    connectionId: profile.connectionId,
    connectionType: profile.connectionType,
    idpId: profile.idpId,
    email: profile.email,
    firstName: profile.firstName,
    lastName: profile.lastName,
    groups: profile.groups,
    roles: profile.roles,
    rawAttributes: profile.rawAttributes,
  };
}
