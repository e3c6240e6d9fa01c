/**
 * The job kinds this build runs: kind → handler. A kind without a handler fails its jobs with
 * `no_handler` rather than leaving them queued forever.
 */
import { exchangePlanJob } from "../services/exchange-plans";
import { rerankHandler } from "../services/rerank";
import { suggestionJob } from "../services/suggestions";
import type { JobHandler, JobKind } from "./types";

export const jobHandlers: Partial<Record<JobKind, JobHandler>> = {
  rerank: rerankHandler,
  "exchange-plan": exchangePlanJob,
  suggestion: suggestionJob,
  // Each further kind (exchange plans, long searches) adds its line here.
};
