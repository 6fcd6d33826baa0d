/** The org's SCIM base URL (SPEC §10), from PUBLIC_URL, never the Host header. */
export function scimBaseUrl(publicUrl: string, orgId: string): string {
  return `${publicUrl.replace(/\/$/, "")}/scim/v2/${orgId}`;
}
