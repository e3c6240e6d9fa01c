/** Thrown by a handler's `apply` when what it computed from is no longer current: the job is queued again. */
export class StaleJobError extends Error {
  override readonly name = "StaleJobError";
}

/**
 * The reason a runner's stop signal carries: the server is shutting down. A job cancelled by it is
 * queued again (not failed), so that the next start resumes it.
 */
export class JobInterrupted extends Error {
  override readonly name = "JobInterrupted";
}
