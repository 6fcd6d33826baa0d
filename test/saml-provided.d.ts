import type { SamlFixtures } from "./setup/saml-fixtures";

declare module "vitest" {
  export interface ProvidedContext {
    /** xmlsec1-signed SAML fixtures of this run (test/setup/saml-fixtures.ts). */
    samlFixtures: SamlFixtures;
  }
}

/** Vite's import.meta.glob, used to hand corpus files to workerd tests. */
declare global {
  interface ImportMeta {
    glob(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, unknown>;
  }
}
