// The entry of a compute thread (see pool.ts). A worker thread does not inherit the TypeScript
// loader that `tsx src/node.ts` (npm start) or vitest gave its parent, so it registers tsx's own
// before importing the TypeScript task code; the pool starts it with an empty execArgv so that no
// second loader is set up.
import { register } from "tsx/esm/api";

register();
const { runTask } = await import("./thread.ts");

export default runTask;
