import { ApiError } from "./problem";

/** Which SQLite constraint a failed statement broke, found on the error or any of its causes. */
export type ConstraintKind = "unique" | "foreign-key" | "check" | "not-null";

export function constraintKind(error: unknown): ConstraintKind | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    const message = String((e as { message?: unknown }).message ?? "");
    const text = `${code} ${message}`;
    if (/PRIMARYKEY|UNIQUE constraint|CONSTRAINT_UNIQUE/i.test(text)) return "unique";
    if (/FOREIGN KEY|FOREIGNKEY/i.test(text)) return "foreign-key";
    if (/CHECK constraint|CONSTRAINT_CHECK/i.test(text)) return "check";
    if (/NOT NULL constraint|NOTNULL/i.test(text)) return "not-null";
  }
  return undefined;
}

/**
 * Whether a statement failed because another connection held the database's lock past the busy
 * timeout (SQLITE_BUSY, or SQLITE_LOCKED within one process): the request may succeed if retried,
 * so it is answered 503 with `Retry-After`, not 500.
 */
export function isBusy(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
    const raw = (e as { rawCode?: unknown }).rawCode;
    // Primary result codes 5 and 6, with any extended code in the high bits.
    if (typeof raw === "number" && ((raw & 0xff) === 5 || (raw & 0xff) === 6)) return true;
  }
  return false;
}

/**
 * Runs a write and turns a constraint failure into a problem: a duplicate key into 409 `duplicate`,
 * a row still referenced into 409 `in_use`. Services check references first and name the field;
 * this is the backstop for races between the check and the write.
 */
export async function mapConstraintErrors<T>(
  write: () => Promise<T>,
  messages: { duplicate?: string; inUse?: string; field?: string },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const kind = constraintKind(error);
    const field = messages.field;
    if (kind === "unique")
      throw new ApiError("duplicate", messages.duplicate ?? "This already exists.", {
        cause: error,
        ...(field ? { field } : {}),
      });
    if (kind === "foreign-key")
      throw new ApiError("in_use", messages.inUse ?? "Other records refer to this one.", { cause: error });
    if (kind === "check" || kind === "not-null")
      throw new ApiError("validation_failed", "A value is outside its allowed range.", { cause: error });
    throw error;
  }
}
