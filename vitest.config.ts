import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { dropBrokenDependencySourcemaps } from "./test/setup/dependency-sourcemaps.ts";

/** Keys the worker tests run with; never used outside tests. */
export const TEST_BINDINGS = {
  ADMIN_API_KEY: "test-root-admin-key-0123456789abcdef",
  SECRETS_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  PUBLIC_URL: "https://sso.test",
  // OIDC discovery against the loopback peers of test/setup (http://127.0.0.1:…).
  ALLOW_INSECURE_LOOPBACK_IDP: "true",
};

export default defineConfig({
  test: {
    // A test's console output (the worker logs one line per refusal) is shown when it fails.
    silent: "passed-only",
    projects: [
      {
        plugins: [
          dropBrokenDependencySourcemaps(),
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // The plugin runs workerd with --verbose by default, which logs workerd's own view
            // of every outbound fetch that fails (a refused connection to an unreachable IdP,
            // which the tests build on purpose) as "uncaught exception … Network connection
            // lost" with native stack traces, although the worker caught it. A rejection the
            // worker leaves unhandled still fails the run (vitest reports it).
            verbose: false,
            miniflare: { bindings: TEST_BINDINGS },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/setup/global.ts"],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [dropBrokenDependencySourcemaps()],
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          globalSetup: ["test/setup/global.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
