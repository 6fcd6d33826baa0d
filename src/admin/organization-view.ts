import type { OrganizationRecord } from "../store/org/types";
import type { OrganizationView } from "./response-schemas";

/** The org as the API shows it (SPEC §2). */
export function organizationView(org: OrganizationRecord): OrganizationView {
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    ssoAllowed: org.ssoAllowed,
    jitProvisioning: org.jitProvisioning,
    domains: org.domains.map((d) => d.domain),
    domainStates: org.domains.map((d) => ({ domain: d.domain, verified: d.verified })),
    activeSso: org.activeSso,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
  };
}

/** A URL-safe slug from an org name. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug || "org";
}
