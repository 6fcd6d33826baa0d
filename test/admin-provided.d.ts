/** Values the Node-side global setup hands to the admin tests (test/setup/metadata-server.ts). */
declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the loopback server publishing IdP metadata and OIDC discovery documents. */
    metadataServerUrl: string;
    /** Loopback ports: one open that answers no HTTP, one closed (nothing listens). */
    outboundProbe: { openPort: number; closedPort: number };
  }
}
export {};
