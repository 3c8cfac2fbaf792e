/**
 * A TCP proxy in front of PostgreSQL that counts the statements its clients run: the same count for
 * every server, without pg_stat_statements (it needs shared_preload_libraries) or statement logging.
 * It reads the frontend protocol only (server bytes pass through untouched): a simple Query ('Q')
 * is one statement, an extended-protocol Execute ('E') is one statement, named by the Parse ('P')
 * its Bind ('B') refers to. Used in the check phase only: the measured rounds connect directly.
 */
import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export interface StatementCounter {
  url(databaseUrl: string): string;
  /**
   * Statements since the last reset, and how many of them were transaction control (BEGIN, COMMIT,
   * SET, ...), in all and per client connection (by the order the connections were opened).
   */
  counts(): Counts & { byConnection: Map<number, Counts> };
  reset(): void;
  close(): Promise<void>;
}

export interface Counts {
  statements: number;
  control: number;
}

const cstring = (buf: Buffer, at: number): [string, number] => {
  const end = buf.indexOf(0, at);
  return [buf.toString('utf8', at, end), end + 1];
};

const CONTROL = /^\s*(begin|start transaction|commit|rollback|end|set|reset|savepoint|release|select\s+set_config)\b/i;

export async function startStatementCounter(target: { host: string; port: number }): Promise<StatementCounter> {
  let byConnection = new Map<number, Counts>();
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const id = ++connections;
    const count = (sql: string | undefined) => {
      let c = byConnection.get(id);
      if (!c) byConnection.set(id, (c = { statements: 0, control: 0 }));
      c.statements++;
      if (sql !== undefined && CONTROL.test(sql)) c.control++;
    };
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    for (const s of [client, upstream]) s.on('close', () => sockets.delete(s));
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
    // Per connection: prepared statement name -> SQL, portal name -> SQL.
    const prepared = new Map<string, string>();
    const portals = new Map<string, string | undefined>();
    let started = false; // the first messages (SSL request, startup) have no type byte
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const head = started ? 5 : 4;
        if (pending.length < head) break;
        const len = started ? pending.readInt32BE(1) + 1 : pending.readInt32BE(0);
        if (pending.length < len) break;
        const msg = pending.subarray(0, len);
        pending = pending.subarray(len);
        if (!started) {
          const code = msg.readInt32BE(4);
          started = code !== SSL_REQUEST && code !== GSS_REQUEST;
          continue;
        }
        const type = String.fromCharCode(msg[0]);
        if (type === 'Q') count(cstring(msg, 5)[0]);
        else if (type === 'P') {
          const [name, at] = cstring(msg, 5);
          prepared.set(name, cstring(msg, at)[0]);
        } else if (type === 'B') {
          const [portal, at] = cstring(msg, 5);
          portals.set(portal, prepared.get(cstring(msg, at)[0]));
        } else if (type === 'E') count(portals.get(cstring(msg, 5)[0]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    counts() {
      let statements = 0;
      let control = 0;
      for (const c of byConnection.values()) {
        statements += c.statements;
        control += c.control;
      }
      return { statements, control, byConnection };
    },
    reset() {
      byConnection = new Map();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
