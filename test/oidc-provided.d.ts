/** Values the Node-side global setup hands to the OIDC tests (test/setup/oidc-provider.ts, hostile-oidc.ts). */
declare module "vitest" {
  export interface ProvidedContext {
    /** The real OpenID provider (oidc-provider) of this run. */
    oidcProvider: {
      issuer: string;
      /** The password of every test account (any email signs in). */
      password: string;
      clients: { basic: { clientId: string; clientSecret: string }; post: { clientId: string; clientSecret: string } };
    };
    /** The hostile OpenID provider built with jose. */
    hostileOidc: {
      /** `${base}/t/{scenario}[~tag]` is an issuer behaving per the scenario. */
      base: string;
      /** A loopback URL on a port nothing listens on. */
      closedUrl: string;
      clientId: string;
      clientSecret: string;
    };
  }
}
export {};
