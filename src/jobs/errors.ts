/** Thrown by a handler's `apply` when what it computed from is no longer current: the job is queued again. */
export class StaleJobError extends Error {
  override readonly name = "StaleJobError";
}
