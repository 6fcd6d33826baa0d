/**
 * Which parts of SPEC.md are built in this version (SPEC preamble: what is not built is never
 * advertised — not in SP metadata, discovery or activation — and answers a clear error). The
 * change that builds a feature flips its switch here, in one line; every place that would
 * advertise the feature reads it, and `test/worker/features.test.ts` checks each place
 * against it.
 */
export const BUILT: Readonly<Record<Feature, boolean>> = {
  logout: true,
};

/**
 * - `logout`: RP-initiated and SAML single logout (SPEC §9, `/oauth/logout`,
 *   `/saml/{connId}/slo`). While off, discovery has no `end_session_endpoint` or
 *   `backchannel_logout_supported`, SP metadata no SingleLogoutService, and a connection's
 *   `sp.sloUrl` is null.
 */
export type Feature = "logout";
