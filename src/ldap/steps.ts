/**
 * The named steps of an LDAP test (SPEC §9), in order, as Keycloak's
 * TestLdapConnectionResource names them for the admin who must fix one: each with its
 * outcome and time; a run stops at the first failure, and `details` names it in plain words.
 */
export type LdapStepName = "dns" | "tcp" | "tls" | "bind" | "search" | "user_bind";

export interface LdapStep {
  name: LdapStepName;
  ok: boolean;
  durationMs: number;
  detail?: string;
}

/** What the test endpoints answer (200 `{success, details, steps}`). */
export interface LdapTestReport {
  success: boolean;
  /** Empty on success (seed 003); otherwise the failed step's detail. */
  details: string;
  steps: LdapStep[];
}

/** A step that failed: `detail` is the plain-words reason (never a password). */
export class LdapStepFailure extends Error {
  constructor(
    readonly step: LdapStepName,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "LdapStepFailure";
  }
}

/** Records steps as they run; the clock comes in (STYLE 3). */
export class StepRecorder {
  readonly steps: LdapStep[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** The recorder's clock, for a step timed outside {@link run}. */
  now(): number {
    return this.clock();
  }

  /** Records a step that succeeded; one that needed no work of its own takes 0 ms and says why. */
  pass(name: LdapStepName, detail?: string, durationMs = 0): void {
    this.steps.push({ name, ok: true, durationMs, ...(detail ? { detail } : {}) });
  }

  /**
   * Runs one step: its time is recorded, and a failure — an {@link LdapStepFailure}, or
   * any error `describe` puts in words — is recorded and thrown as an LdapStepFailure.
   */
  async run<T>(name: LdapStepName, work: () => Promise<T>, describe: (error: unknown) => string): Promise<T> {
    const start = this.clock();
    try {
      const value = await work();
      this.steps.push({ name, ok: true, durationMs: this.clock() - start });
      return value;
    } catch (error) {
      const failure = error instanceof LdapStepFailure ? error : new LdapStepFailure(name, describe(error));
      this.fail(failure, this.clock() - start);
      throw failure;
    }
  }

  /** Records a failure that happened outside {@link run} (or before any network work). */
  fail(failure: LdapStepFailure, durationMs = 0): void {
    this.steps.push({ name: failure.step, ok: false, durationMs, detail: failure.detail });
  }

  /** The report once the steps ran; `failure` is the step that stopped them, if any. */
  report(failure: LdapStepFailure | null): LdapTestReport {
    return { success: failure === null, details: failure ? failure.detail : "", steps: this.steps };
  }
}
