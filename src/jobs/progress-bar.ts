/**
 * A progress bar for the command line: redrawn in place on a terminal, one line per tenth on a
 * pipe (logs, CI). Shows only counts, never what is being worked on.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const width = 30;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done: number, total: number) {
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const text = `${label} [${"#".repeat(Math.round(share * width)).padEnd(width, ".")}] ${done}/${total} (${Math.floor(share * 100)}%)`;
      if (stream.isTTY) {
        stream.write(`\r${text}`);
        drawn = true;
      } else {
        const tenth = Math.floor(share * 10);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          stream.write(`${text}\n`);
        }
      }
    },
    end() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
