import type { Socket } from "node:net";

/** Line protocol over the VM's virtio-serial control port (host side of agent.sh). */
export class ControlPort {
  private pending = "";
  private readonly lines: string[] = [];
  private waiter: ((line: string) => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.receive(chunk));
  }

  private receive(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf("\n")) >= 0) {
      this.lines.push(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    const waiter = this.waiter;
    if (waiter && this.lines.length > 0) {
      this.waiter = undefined;
      waiter(this.lines.shift() as string);
    }
  }

  /** The next line from the guest; callers race it against the VM's failure. */
  nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  close(): void {
    this.socket.destroy();
  }
}
