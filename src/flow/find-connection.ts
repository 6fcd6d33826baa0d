import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import type { ConnectionRecord, SsoType } from "../store/org/types";
import { orgOp } from "../store/stores";

/**
 * The connection named in an end-user URL or state, when it exists and has the protocol
 * of the endpoint; null otherwise (an unknown org or connection is the same to a browser).
 */
export async function findConnectionOfType(
  env: Env,
  organizationId: string,
  connectionId: string,
  type: SsoType,
): Promise<ConnectionRecord | null> {
  try {
    const connection = await orgOp(env, organizationId, "getConnection", { id: connectionId });
    return connection.type === type ? connection : null;
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null;
    throw error;
  }
}
