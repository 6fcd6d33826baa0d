import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthnRequestError,
  decodePostRequest,
  decodeRedirectRequest,
  parseAuthnRequest,
  verifyRedirectSignature,
} from "./authn-request.mjs";
import { generateKeyPair, loadKeyPair } from "./keys.mjs";
import { idpMetadataXml } from "./metadata.mjs";
import { autoPostPage, errorPage, loginPage } from "./pages.mjs";
import { SignRequestError, createResponseSigner, parseSignRequest } from "./sign-response.mjs";
import { createLogoutSigner, parseLogoutSignRequest, verifyLogoutMessage } from "./logout-messages.mjs";
import { parseSpLogoutRequest, spSloUrlOf } from "./sp-logout.mjs";

/** @typedef {import("./sign-response.mjs").DevIdpUser} DevIdpUser */
/** @typedef {import("./authn-request.mjs").AuthnRequest} AuthnRequest */

/**
 * @typedef {object} DevIdpOptions
 * @property {number} [port] 0 (default) picks a free port
 * @property {string} [host] default 127.0.0.1 (loopback only)
 * @property {string} [entityId] default `{url}/metadata`
 * @property {DevIdpUser[]} [users] the people on the login page
 * @property {string} [autoLoginEmail] sign every AuthnRequest in as this email, without the login page
 * @property {{keyPath: string, certPath: string}} [key] an RSA key and certificate (PEM files) instead of a fresh pair
 * @property {Record<string, string>} [spSigningCertificates] SP entity ID → PEM, to verify HTTP-Redirect signatures
 * @property {Record<string, string>} [spSloUrls] SP entity ID → its SLO URL (default: the entity ID + `/slo`, edge-sso's)
 */

/**
 * @typedef {object} DevIdp
 * @property {string} url e.g. http://127.0.0.1:40123
 * @property {string} entityId
 * @property {string} metadataXml
 * @property {string} certificatePem
 * @property {string} ssoUrl `{url}/sso`, both bindings
 * @property {(request: import("./sign-response.mjs").SignRequest) => Promise<import("./sign-response.mjs").SignedResponse>} sign
 *   what `POST /sign` does, without HTTP
 * @property {() => Promise<void>} close
 */

/** @type {DevIdpUser[]} */
export const DEFAULT_USERS = [
  { email: "jane@example.com", firstName: "Jane", lastName: "Doe", groups: ["engineering"] },
];

const PENDING_TTL_MS = 10 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {import("node:http").IncomingMessage} request
 * @returns {Promise<string>}
 */
async function readBody(request) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Start a SAML 2.0 IdP on loopback for the demo and the tests. Signing is done by xmlsec1.
 * @param {DevIdpOptions} [options]
 * @returns {Promise<DevIdp>}
 */
export async function startDevIdp(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const users = options.users ?? DEFAULT_USERS;
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-dev-idp-"));
  const key = options.key
    ? await loadKeyPair(options.key.keyPath, options.key.certPath)
    : await generateKeyPair(dir, "idp");
  /** @type {Promise<import("./keys.mjs").KeyPair> | undefined} */
  let rogue;
  const rogueKey = () => (rogue ??= generateKeyPair(dir, "rogue"));

  /** Pending AuthnRequests by random key; consumed by /login. */
  /** @type {Map<string, {request: AuthnRequest, relayState: string | null, expires: number}>} */
  const pending = new Map();
  const state = { url: "", entityId: "", metadataXml: "" };
  /** @type {ReturnType<typeof createResponseSigner>} */
  /** @type {ReturnType<typeof createLogoutSigner>} */
  let signLogout = async () => {
    throw new Error("dev IdP not started");
  };
  let sign = async () => {
    throw new Error("dev IdP not started");
  };

  /**
   * Answer an AuthnRequest: the login page, or straight to the ACS with autoLogin.
   * @param {AuthnRequest} authnRequest
   * @param {string | null} relayState
   * @param {string | null} autoLogin
   * @param {import("node:http").ServerResponse} response
   * @param {boolean} wantsJson
   */
  async function answerAuthnRequest(authnRequest, relayState, autoLogin, response, wantsJson) {
    if (!authnRequest.acsUrl) throw new HttpError(400, "AuthnRequest has no AssertionConsumerServiceURL");
    const email = autoLogin ?? options.autoLoginEmail ?? null;
    if (email) return respondToAcs(authnRequest, relayState, email, response, wantsJson);
    const now = Date.now();
    for (const [id, entry] of pending) if (entry.expires < now) pending.delete(id);
    const pendingId = randomBytes(16).toString("hex");
    pending.set(pendingId, { request: authnRequest, relayState, expires: now + PENDING_TTL_MS });
    if (wantsJson)
      return send(response, 200, "application/json", JSON.stringify({ pendingId, request: authnRequest, relayState }));
    send(response, 200, "text/html; charset=utf-8", loginPage({ pendingId, spEntityId: authnRequest.issuer, users }));
  }

  /**
   * @param {AuthnRequest} authnRequest
   * @param {string | null} relayState
   * @param {string} email
   * @param {import("node:http").ServerResponse} response
   * @param {boolean} wantsJson
   */
  async function respondToAcs(authnRequest, relayState, email, response, wantsJson) {
    const acsUrl = /** @type {string} */ (authnRequest.acsUrl);
    const signed = await sign({
      acsUrl,
      audience: authnRequest.issuer ?? acsUrl,
      email,
      inResponseTo: authnRequest.id,
      ...(authnRequest.nameIdFormat ? { nameIdFormat: authnRequest.nameIdFormat } : {}),
    });
    if (wantsJson) {
      const body = {
        acsUrl,
        relayState,
        samlResponse: signed.samlResponse,
        assertionId: signed.assertionId,
        request: authnRequest,
      };
      return send(response, 200, "application/json", JSON.stringify(body));
    }
    const nonce = randomBytes(16).toString("base64");
    response.setHeader(
      "content-security-policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action *`,
    );
    send(
      response,
      200,
      "text/html; charset=utf-8",
      autoPostPage({ acsUrl, samlResponse: signed.samlResponse, relayState, nonce }),
    );
  }

  /**
   * An SP's LogoutRequest at `/slo` (SAML profiles 4.4.3): the IdP session ends (the dev IdP
   * keeps none) and the SP gets a LogoutResponse with Success, signed, in the same binding:
   * a redirect with the signed query (HTTP-Redirect), or a self-submitting form (HTTP-POST).
   * @param {"redirect" | "post"} binding
   * @param {string} xml the LogoutRequest
   * @param {string | null} relayState
   * @param {import("node:http").ServerResponse} response
   * @param {boolean} wantsJson
   */
  async function answerSpLogout(binding, xml, relayState, response, wantsJson) {
    const logoutRequest = parseSpLogoutRequest(xml);
    const destination = spSloUrlOf(logoutRequest, options.spSloUrls);
    const signed = await signLogout({
      kind: "response",
      binding,
      destination,
      inResponseTo: logoutRequest.id,
      ...(relayState !== null ? { relayState } : {}),
    });
    if (wantsJson)
      return send(
        response,
        200,
        "application/json",
        JSON.stringify({ request: logoutRequest, destination, ...signed }),
      );
    if (binding === "redirect") {
      response.writeHead(302, { location: `${destination}?${signed.query}`, "cache-control": "no-store" });
      return response.end();
    }
    const nonce = randomBytes(16).toString("base64");
    response.setHeader(
      "content-security-policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action *`,
    );
    const message = "Signed out at the dev IdP. Sending you back to the application.";
    const form = /** @type {string} */ (signed.form);
    send(
      response,
      200,
      "text/html; charset=utf-8",
      autoPostPage({ acsUrl: destination, samlResponse: form, relayState, nonce, message }),
    );
  }

  /**
   * @param {import("node:http").ServerResponse} response
   * @param {number} status
   * @param {string} type
   * @param {string} body
   */
  function send(response, status, type, body) {
    response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    response.end(body);
  }

  /**
   * @param {import("node:http").IncomingMessage} request
   * @param {import("node:http").ServerResponse} response
   */
  async function route(request, response) {
    const url = new URL(request.url ?? "/", state.url);
    const wantsJson = (request.headers.accept ?? "").includes("application/json");
    const endpoint = `${request.method} ${url.pathname}`;
    switch (endpoint) {
      case "GET /":
      case "GET /metadata":
        return send(response, 200, "application/samlmetadata+xml", state.metadataXml);
      case "GET /sso": {
        const samlRequest = url.searchParams.get("SAMLRequest");
        if (!samlRequest) throw new HttpError(400, "missing SAMLRequest");
        const authnRequest = parseAuthnRequest(decodeRedirectRequest(samlRequest), "redirect");
        const sigAlg = url.searchParams.get("SigAlg");
        if (sigAlg && url.searchParams.get("Signature")) {
          const cert = authnRequest.issuer ? options.spSigningCertificates?.[authnRequest.issuer] : undefined;
          const verified = cert ? verifyRedirectSignature(url.search.slice(1), cert) : null;
          if (verified === false)
            throw new HttpError(400, "the AuthnRequest's HTTP-Redirect signature does not verify");
          authnRequest.redirectSignature = { sigAlg, verified };
        }
        return answerAuthnRequest(
          authnRequest,
          url.searchParams.get("RelayState"),
          url.searchParams.get("autoLogin"),
          response,
          wantsJson,
        );
      }
      case "POST /sso": {
        const form = new URLSearchParams(await readBody(request));
        const samlRequest = form.get("SAMLRequest");
        if (!samlRequest) throw new HttpError(400, "missing SAMLRequest");
        const authnRequest = parseAuthnRequest(decodePostRequest(samlRequest), "post");
        const autoLogin = form.get("autoLogin") ?? url.searchParams.get("autoLogin");
        return answerAuthnRequest(authnRequest, form.get("RelayState"), autoLogin, response, wantsJson);
      }
      case "POST /login": {
        const form = new URLSearchParams(await readBody(request));
        const entry = pending.get(form.get("pending") ?? "");
        const email = form.get("email");
        if (!entry || entry.expires < Date.now())
          throw new HttpError(400, "unknown or expired login; start again from the application");
        if (!email) throw new HttpError(400, "choose a user");
        pending.delete(/** @type {string} */ (form.get("pending")));
        return respondToAcs(entry.request, entry.relayState, email, response, wantsJson);
      }
      case "GET /slo": {
        const samlRequest = url.searchParams.get("SAMLRequest");
        if (!samlRequest) throw new HttpError(400, "missing SAMLRequest");
        const xml = decodeRedirectRequest(samlRequest);
        return answerSpLogout("redirect", xml, url.searchParams.get("RelayState"), response, wantsJson);
      }
      case "POST /slo": {
        const form = new URLSearchParams(await readBody(request));
        const samlRequest = form.get("SAMLRequest");
        if (!samlRequest) throw new HttpError(400, "missing SAMLRequest");
        return answerSpLogout("post", decodePostRequest(samlRequest), form.get("RelayState"), response, wantsJson);
      }
      case "POST /slo/sign": {
        let body;
        try {
          body = JSON.parse(await readBody(request));
        } catch {
          throw new HttpError(400, "body must be JSON");
        }
        const signed = await signLogout(parseLogoutSignRequest(body));
        return send(response, 200, "application/json", JSON.stringify(signed));
      }
      case "POST /slo/verify": {
        let body;
        try {
          body = JSON.parse(await readBody(request));
        } catch {
          throw new HttpError(400, "body must be JSON");
        }
        const checked = await verifyLogoutMessage(dir, body);
        return send(response, 200, "application/json", JSON.stringify(checked));
      }
      case "POST /sign": {
        let body;
        try {
          body = JSON.parse(await readBody(request));
        } catch {
          throw new HttpError(400, "body must be JSON");
        }
        const signed = await sign(parseSignRequest(body));
        return send(response, 200, "application/json", JSON.stringify(signed));
      }
      default:
        throw new HttpError(404, `no route ${endpoint}`);
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error) => {
      const status =
        error instanceof HttpError
          ? error.status
          : error instanceof AuthnRequestError || error instanceof SignRequestError
            ? 400
            : 500;
      if (status === 500) console.error("[dev-idp]", error);
      if (response.headersSent) return response.end();
      const wantsJson = (request.headers.accept ?? "").includes("application/json") || request.url === "/sign";
      if (wantsJson) send(response, status, "application/json", JSON.stringify({ error: error.message }));
      else send(response, status, "text/html; charset=utf-8", errorPage(error.message));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  state.url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  state.entityId = options.entityId ?? `${state.url}/metadata`;
  const ssoUrl = `${state.url}/sso`;
  state.metadataXml = idpMetadataXml({ entityId: state.entityId, ssoUrl, certificatePem: key.certificatePem });
  sign = createResponseSigner({ dir, entityId: state.entityId, users, key, rogueKey });
  signLogout = createLogoutSigner({ dir, entityId: state.entityId, key, rogueKey });

  return {
    url: state.url,
    entityId: state.entityId,
    metadataXml: state.metadataXml,
    certificatePem: key.certificatePem,
    ssoUrl,
    sign: (request) => sign(request),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
