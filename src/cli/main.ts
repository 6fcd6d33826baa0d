import { SAML_VERIFY_USAGE, UsageError } from "./parse-saml-verify-args";
import type { CliIo, CliOutcome } from "./saml-verify";

export type { CliIo, CliOutcome } from "./saml-verify";

const USAGE = `usage: edge-sso <command>

commands:
  saml verify   verify a captured SAMLResponse with the worker's verifier

${SAML_VERIFY_USAGE}`;

/** Dispatch `edge-sso` subcommands. Never throws: bad usage is exit code 2. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  const help = argv.includes("--help") || argv.includes("-h");
  try {
    if (argv[0] === "saml" && argv[1] === "verify") {
      if (help) return { exitCode: 0, stdout: SAML_VERIFY_USAGE };
      // Loaded on demand: the verifier's dependencies are most of the start-up time.
      const { samlVerify } = await import("./saml-verify");
      return await samlVerify(argv.slice(2), io);
    }
    if (help) return { exitCode: 0, stdout: USAGE };
    if (argv.length === 0) return { exitCode: 2, stderr: USAGE };
    return { exitCode: 2, stderr: `unknown command "${argv.join(" ")}"\n\n${USAGE}` };
  } catch (error) {
    if (error instanceof UsageError)
      return { exitCode: 2, stderr: `edge-sso: ${error.message}\n\n${SAML_VERIFY_USAGE}` };
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 2, stderr: `edge-sso: ${message}` };
  }
}
