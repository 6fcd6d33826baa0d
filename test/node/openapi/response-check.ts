/**
 * Checks real answers against /openapi.json with validators that share no code with
 * edge-sso: the document is dereferenced by @readme/openapi-parser and each body is
 * validated by Ajv (JSON Schema 2020-12) against the schema the document gives for its
 * operation, status and content type.
 */
import { dereference } from "@readme/openapi-parser";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

type Schema = Record<string, unknown>;
interface ResponseObject {
  content?: Record<string, { schema: Schema }>;
  headers?: Record<string, unknown>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
}

/** One answer as checked: which documented operation and status it was. */
export interface Checked {
  operation: string;
  status: number;
}

export class ResponseChecker {
  readonly seen: Checked[] = [];
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly validators = new Map<Schema, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literals: number }[];

  private constructor(private readonly document: OpenApiDocument) {
    this.templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+").replace(/\./g, "\\.")}$`),
      literals: template.split("/").filter((segment) => segment && !segment.startsWith("{")).length,
    }));
  }

  static async of(document: unknown): Promise<ResponseChecker> {
    const dereferenced = (await dereference(structuredClone(document) as never)) as unknown as OpenApiDocument;
    return new ResponseChecker(dereferenced);
  }

  /** The path template a URL path matches: the one with the most literal segments. */
  templateOf(path: string): string | undefined {
    return this.templates.filter((t) => t.pattern.test(path)).sort((a, b) => b.literals - a.literals)[0]?.template;
  }

  /**
   * Checks one answer (its body read from a clone) and records it. Throws, naming the
   * operation and Ajv's errors, when the answer is not what the document says.
   */
  async check(method: string, url: string, response: Response): Promise<void> {
    const path = new URL(url).pathname;
    const template = this.templateOf(path);
    const operation = `${method.toUpperCase()} ${template ?? path}`;
    const op = template ? this.document.paths[template]?.[method.toLowerCase()] : undefined;
    if (!op) throw new Error(`${operation}: not in /openapi.json`);
    const status = String(response.status);
    const documented = op.responses[status] ?? op.responses[`${status[0]}XX`];
    if (!documented) throw new Error(`${operation}: status ${status} is not documented`);
    this.seen.push({ operation, status: response.status });
    if (response.status >= 300 && response.status < 400) {
      if (!response.headers.get("location")) throw new Error(`${operation} ${status}: no Location`);
      return;
    }
    const body = await response.clone().text();
    if (!documented.content) {
      if (body !== "") throw new Error(`${operation} ${status}: a body where the document says none`);
      return;
    }
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const media = documented.content[contentType];
    if (!media)
      throw new Error(
        `${operation} ${status}: content-type ${contentType}, documented ${Object.keys(documented.content)}`,
      );
    const value = contentType.endsWith("json") ? (JSON.parse(body) as unknown) : body;
    const validate = this.validatorOf(media.schema);
    if (!validate(value))
      throw new Error(`${operation} ${status}: ${this.ajv.errorsText(validate.errors)}\n${body.slice(0, 2000)}`);
  }

  private validatorOf(schema: Schema): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }

  /** Every documented operation and status whose body is JSON, as `METHOD /path status`. */
  jsonResponses(): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        Object.entries(op.responses)
          .filter(([, r]) => Object.keys(r.content ?? {}).some((type) => type.endsWith("json")))
          .map(([status]) => `${method.toUpperCase()} ${template} ${status}`),
      ),
    );
  }

  /** A `fetch` that checks every answer it gets, for openapi-fetch's `fetch` option. */
  fetch = async (input: Request): Promise<Response> => {
    const response = await fetch(input.clone());
    await this.check(input.method, input.url, response);
    return response;
  };
}
