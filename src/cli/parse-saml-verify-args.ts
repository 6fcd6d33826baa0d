/** The options of `edge-sso saml verify` (SPEC §8). */
export interface SamlVerifyArgs {
  metadata?: string;
  certs: string[];
  idpEntityId?: string;
  spEntityId: string;
  acsUrl: string;
  requestId?: string;
  now?: Date;
  allowIdpInitiated: boolean;
  allowSha1: boolean;
  /** `wantAssertionsSigned` as on a connection: on unless `--no-want-assertions-signed`. */
  wantAssertionsSigned: boolean;
  /** `wantResponseSigned` as on a connection: off unless `--want-response-signed`. */
  wantResponseSigned: boolean;
  decryptionKeys: string[];
  skipDestinationCheck: boolean;
  responseFile: string;
}

/** Bad usage: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const SAML_VERIFY_USAGE = `usage: edge-sso saml verify (--metadata idp.xml | --cert idp.pem [--idp-entity-id X])
         --sp-entity-id Y --acs-url Z [--request-id R] [--now ISO-8601]
         [--allow-idp-initiated] [--allow-sha1] [--decryption-key sp.pem]
         [--skip-destination-check] [--no-want-assertions-signed]
         [--want-response-signed] response-file

  response-file holds the Response XML or its base64. Prints one JSON line; exits 0 when
  the response is accepted, 1 when it is rejected, 2 on bad usage. --cert and
  --decryption-key may be repeated. Without --idp-entity-id (with --cert), the Issuer is
  reported, not checked. --decryption-key is a PKCS#8 PEM ("BEGIN PRIVATE KEY").

  The signing flags are a connection's: the assertion must be signed unless
  --no-want-assertions-signed (then the Response's signature may cover it, as OneLogin,
  Google, Auth0 and SimpleSAMLphp sign); --want-response-signed also requires the
  Response's signature. A rejection names the flags that would change it.`;

const VALUE_FLAGS = new Set([
  "--metadata",
  "--cert",
  "--idp-entity-id",
  "--sp-entity-id",
  "--acs-url",
  "--request-id",
  "--now",
  "--decryption-key",
]);
const BOOLEAN_FLAGS = new Set([
  "--allow-idp-initiated",
  "--allow-sha1",
  "--skip-destination-check",
  "--no-want-assertions-signed",
  "--want-response-signed",
]);

/** Parse `saml verify` arguments (`--flag value` or `--flag=value`); throws UsageError. */
export function parseSamlVerifyArgs(argv: readonly string[]): SamlVerifyArgs {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg, undefined];
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      flags.add(name);
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return validate(values, flags, positional);
}

function splitOnce(arg: string): [string, string] {
  const i = arg.indexOf("=");
  return [arg.slice(0, i), arg.slice(i + 1)];
}

function single(values: Map<string, string[]>, name: string): string | undefined {
  const list = values.get(name) ?? [];
  if (list.length > 1) throw new UsageError(`${name} given twice`);
  return list[0];
}

function validate(values: Map<string, string[]>, flags: Set<string>, positional: string[]): SamlVerifyArgs {
  const metadata = single(values, "--metadata");
  const certs = values.get("--cert") ?? [];
  if ((metadata === undefined) === (certs.length === 0))
    throw new UsageError("give exactly one of --metadata or --cert");
  const spEntityId = single(values, "--sp-entity-id");
  const acsUrl = single(values, "--acs-url");
  if (spEntityId === undefined) throw new UsageError("--sp-entity-id is required");
  if (acsUrl === undefined) throw new UsageError("--acs-url is required");
  if (positional.length !== 1) throw new UsageError("give exactly one response file");
  const nowText = single(values, "--now");
  const now = nowText === undefined ? undefined : new Date(nowText);
  if (now && (!/^\d{4}-\d{2}-\d{2}T/.test(nowText!) || Number.isNaN(now.getTime()))) {
    throw new UsageError(`--now "${nowText}" is not an ISO-8601 date-time`);
  }
  return {
    metadata,
    certs,
    idpEntityId: single(values, "--idp-entity-id"),
    spEntityId,
    acsUrl,
    requestId: single(values, "--request-id"),
    now,
    allowIdpInitiated: flags.has("--allow-idp-initiated"),
    allowSha1: flags.has("--allow-sha1"),
    wantAssertionsSigned: !flags.has("--no-want-assertions-signed"),
    wantResponseSigned: flags.has("--want-response-signed"),
    decryptionKeys: values.get("--decryption-key") ?? [],
    skipDestinationCheck: flags.has("--skip-destination-check"),
    responseFile: positional[0]!,
  };
}
