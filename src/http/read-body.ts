import type * as z from "zod/mini";
import { ApiError } from "./api-error";
import { validate } from "./validate";

/** Largest request body the admin API accepts (IdP metadata XML included). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a JSON body and validates it with its schema: 415 for another content type,
 * 413 past MAX_BODY_BYTES (counted while streaming, not trusted from Content-Length),
 * 400 for malformed JSON, 400 `validation_failed` for a body the schema refuses.
 */
export async function readJsonBody<S extends z.ZodMiniType>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send the request body as application/json.");
  }
  const text = await readCapped(request, MAX_BODY_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(400, "validation_failed", "The request body is not valid JSON.", [
      { path: "", message: "malformed JSON" },
    ]);
  }
  return validate(schema, data);
}

// Without `stream: true` a decode call keeps no state, so one fatal decoder serves every request.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Reads a body as UTF-8 text, refusing more than `limit` bytes with 413. */
export async function readCapped(request: Pick<Request, "headers" | "body">, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ApiError(400, "validation_failed", "The request body is not valid UTF-8.", [
      { path: "", message: "invalid UTF-8" },
    ]);
  }
}

const tooLarge = (limit: number) => new ApiError(413, "payload_too_large", `The request body exceeds ${limit} bytes.`);

/**
 * An `application/x-www-form-urlencoded` body of at most `limit` bytes (a hosted form's
 * submission), or null when it is another type, too large or not UTF-8.
 */
export async function readUrlEncodedForm(request: Request, limit: number): Promise<URLSearchParams | null> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return null;
  try {
    return new URLSearchParams(await readCapped(request, limit));
  } catch {
    return null;
  }
}
