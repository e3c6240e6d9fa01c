import { findNormRow, insertNorm, latestNormRows } from "../../db/queries/norms";
import type { FactorRecord } from "../../scoring/factors";
import { BUILTIN_NORMS, type Norm, rawToStens, validateNorm } from "../../scoring/norms";
import type { RequestServices } from "../deps";
import { ApiError, type FieldError, notFound } from "../lib/problem";
import { constraintKind } from "../lib/sqlite-errors";

/** A norm as the API shows it: its definition, version and whether it is built in. */
export type NormView = Norm & { version: number; builtin: boolean; createdAt: string | null };

const builtinView = (norm: Norm): NormView => ({ ...norm, version: 1, builtin: true, createdAt: null });

export async function listNorms(services: RequestServices): Promise<NormView[]> {
  const stored = await latestNormRows(services.db);
  return [
    ...Object.values(BUILTIN_NORMS).map(builtinView),
    ...stored.map((r) => ({
      ...(r.definition as unknown as Norm),
      version: r.version,
      builtin: false,
      createdAt: r.createdAt,
    })),
  ];
}

/** A norm by code (built in, or the newest uploaded version unless one is asked for). */
export async function getNorm(services: RequestServices, code: string, version?: number): Promise<NormView> {
  const builtin = BUILTIN_NORMS[code];
  if (builtin) {
    if (version !== undefined && version !== 1) throw notFound("version of norm", String(version), "version");
    return builtinView(builtin);
  }
  const row = await findNormRow(services.db, code, version);
  if (!row)
    throw version === undefined
      ? notFound("norm", code, "code")
      : notFound("version of norm", String(version), "version");
  return {
    ...(row.definition as unknown as Norm),
    version: row.version,
    builtin: false,
    createdAt: row.createdAt,
  };
}

/** Stores a norm definition as the next version of its code; built-in norms cannot be replaced. */
export async function putNorm(
  services: RequestServices,
  code: string,
  definition: Record<string, unknown>,
): Promise<NormView> {
  if (BUILTIN_NORMS[code])
    throw new ApiError(
      "conflict",
      `Norm '${code}' is built in and cannot be replaced; upload it under another code.`,
      { field: "code" },
    );
  const checked = validateNorm({ ...definition, code: definition.code ?? code });
  if (!checked.ok) {
    const errors: FieldError[] = checked.problems.map((p) => ({
      field: p.path || "(body)",
      code: "invalid",
      message: p.message,
    }));
    throw new ApiError("validation_failed", `${errors[0]?.field}: ${errors[0]?.message}`, { errors });
  }
  if (checked.norm.code !== code)
    throw new ApiError("validation_failed", "code: must match the code in the path", {
      errors: [{ field: "code", code: "mismatch", message: "must match the code in the path" }],
    });
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = ((await findNormRow(services.db, code))?.version ?? 0) + 1;
    try {
      await insertNorm(services.db, {
        code,
        version,
        name: checked.norm.name ?? code,
        kind: checked.norm.kind,
        definition: checked.norm as unknown as Record<string, unknown>,
        createdAt: services.clock.now().toISOString(),
      });
      return getNorm(services, code, version);
    } catch (error) {
      if (constraintKind(error) !== "unique") throw error;
    }
  }
  throw new ApiError("conflict", `Norm '${code}' is being edited by someone else; try again.`);
}

/** Raw scores → stens through a norm; every out-of-range raw score is reported with its factor. */
export async function convertRaw(services: RequestServices, raw: FactorRecord, normCode: string) {
  const norm = await getNorm(services, normCode).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found")
      throw new ApiError("validation_failed", `norm: unknown norm '${normCode}'`, {
        errors: [{ field: "norm", code: "unknown_reference", message: `unknown norm '${normCode}'` }],
      });
    throw error;
  });
  const converted = rawToStens(norm, raw);
  if (!converted.ok) {
    const errors = converted.problems.map((p) => ({
      field: `raw.${p.factor}`,
      code: "out_of_range",
      message: p.message,
    }));
    throw new ApiError("validation_failed", `${errors[0]?.field}: ${errors[0]?.message}`, { errors });
  }
  return { stens: converted.stens, norm: norm.code, normVersion: norm.version };
}
