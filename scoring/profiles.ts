import { correlationCholesky } from "./correlation";
import { FACTORS, type FactorRecord, STEN_MAX, STEN_MIN } from "./factors";
import type { Rng } from "./random";

/**
 * Draws a realistic sten profile: z = L·ε with L the Cholesky factor of the factor correlation
 * matrix and ε standard normal, then sten = clamp(round(2z + 5.5), 1, 10) — the sten scale has
 * mean 5.5 and SD 2. `shift` moves the mean of chosen factors (in SD units), e.g. to make a
 * population of leaders a little more stable and rule-conscious than the general public.
 *
 * @example
 * ```ts
 * const stens = sampleStenProfile(createRng(7)); // { A: 6, B: 4, … }
 * ```
 */
export function sampleStenProfile(rng: Rng, shift: Partial<FactorRecord> = {}): FactorRecord {
  const lower = correlationCholesky();
  const epsilon = FACTORS.map(() => rng.normal());
  const stens = {} as FactorRecord;
  FACTORS.forEach((code, i) => {
    let z = shift[code] ?? 0;
    for (let j = 0; j <= i; j++) z += lower.get(i, j) * (epsilon[j] as number);
    stens[code] = Math.min(STEN_MAX, Math.max(STEN_MIN, Math.round(2 * z + 5.5)));
  });
  return stens;
}
