import { actorName } from "../admin/auth";
import { json } from "../http/problem";
import { route } from "../http/route";
import { rotateSigningKey } from "./signing-keys";

/**
 * POST /api/v1/signing-keys/rotate (SPEC §4, admin API): publishes a new ES256 key at once
 * and signs ID tokens with it from `signsFrom` (90 s later: every cached JWKS has it by then);
 * the previous key signs until then and stays in JWKS until its tokens expire.
 */
export const signingKeyRoutes = [
  route({
    method: "POST",
    path: "/api/v1/signing-keys/rotate",
    tag: "Signing keys",
    access: "app",
    audience: "api",
    summary: "Rotate the ID-token signing key",
    success: {
      status: 201,
      description: "The new key: kid, alg, createdAt, signsFrom (when ID tokens start using it), publicJwk",
      schema: "SigningKey",
    },
    handler: async ({ env, actor }) => {
      const key = await rotateSigningKey(env, actorName(actor));
      return json(
        {
          kid: key.kid,
          alg: key.alg,
          createdAt: key.createdAt,
          signsFrom: key.signsFrom,
          publicJwk: JSON.parse(key.publicJwk) as unknown,
        },
        201,
      );
    },
  }),
];
