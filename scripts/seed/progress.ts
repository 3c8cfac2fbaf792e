/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export class Progress {
  private done = 0;
  private label = '';
  private lastDraw = 0;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  stage(label: string) {
    this.label = label;
    this.draw(true);
  }

  add(n: number) {
    this.done += n;
    this.draw(false);
  }

  finish(message: string) {
    if (this.quiet) return;
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${message}\n`);
  }

  private draw(force: boolean) {
    if (this.quiet) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : 3000)) return;
    this.lastDraw = now;
    const frac = this.total ? Math.min(1, this.done / this.total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}% ` +
      `${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} rows ` +
      `${Math.round(rate).toLocaleString('en-US')}/s ${secs.toFixed(0)}s elapsed, eta ${eta.toFixed(0)}s  ${this.label}`;
    process.stderr.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}
