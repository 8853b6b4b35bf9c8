// A webhook receiver on loopback for Linkledger's integration tests and bench. Every request's
// signature is checked with the Standard Webhooks reference implementation (npm
// `standardwebhooks`), never with Linkledger's own code, against each secret the test gave.
//
// Control routes (the test drives the receiver over HTTP):
//   PUT /__secrets     body ["whsec_...", ...]: the secrets to verify with
//   GET /__log         every request received so far, as a JSON array
//   DELETE /__log      forget them
//   GET /__count       {received, distinct, connections}: requests, distinct webhook-ids,
//                      and connections accepted for webhooks
//   PUT /__quiet       body true: stop logging bodies (the bench)
//   POST /__close-idle close the webhook connections that wait for a next request
// Any other path receives webhooks and answers by its name:
//   /ok                200
//   /close             200 with Connection: close
//   /drop-reused       200 on a new connection; on one that already served a request,
//                      destroyed without an answer (as when a keep-alive timeout races a request)
//   /fail/N            500 to the first N attempts of each webhook-id, then 200
//   /retry-after/S     503 with Retry-After: S to the first attempt of each webhook-id, then 200
//   /gone              410
//   /redirect          302 to /ok (must not be followed)
//   /hang              accepts the request, never answers
//   /slow/MS           200 after MS milliseconds
//   /trickle           200 with Content-Length 1000, then one byte every 200 ms
//   /huge              200 with a 10 MB body sent slowly
//   /never-close       200 with a body that ends at the close (no length), and no close ever
// Each log entry has `connection`: the number of the connection it came on (1, 2, ...).
// Prints "listening <port>" on stdout once ready. Arguments: the port (0 = any), then
// optionally --tls CERT KEY to speak HTTPS with that certificate (PEM files); each log entry
// then has the SNI name the client sent (`servername`), and the control routes are on a
// second, plain HTTP port.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';

let secrets = [];
const log = [];
const attempts = new Map(); // webhook-id -> attempts seen
let quiet = false;          // the bench turns the log off
let received = 0;
let connections = 0;

function verifyWith(body, headers) {
  return secrets.map((secret) => {
    try {
      new Webhook(secret).verify(body, {
        'webhook-id': headers['webhook-id'] ?? '',
        'webhook-timestamp': headers['webhook-timestamp'] ?? '',
        'webhook-signature': headers['webhook-signature'] ?? '',
      });
      return true;
    } catch {
      return false;
    }
  });
}

function handle(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__secrets' && req.method === 'PUT') {
      secrets = JSON.parse(body);
      res.end('{}');
      return;
    }
    if (url.pathname === '/__quiet' && req.method === 'PUT') {
      quiet = body === 'true';
      res.end('{}');
      return;
    }
    if (url.pathname === '/__count') {
      res.end(JSON.stringify({ received, distinct: attempts.size, connections }));
      return;
    }
    if (url.pathname === '/__close-idle' && req.method === 'POST') {
      server.closeIdleConnections();
      res.end('{}');
      return;
    }
    if (url.pathname === '/__log') {
      if (req.method === 'DELETE') {
        log.length = 0;
        attempts.clear();
        received = 0;
        res.end('[]');
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(log));
      }
      return;
    }
    const socket = req.socket;
    socket.requests = (socket.requests ?? 0) + 1;
    if (!socket.number) { // numbered at its first webhook (the control routes' are not counted)
      connections += 1;
      socket.number = connections;
    }
    const id = req.headers['webhook-id'] ?? '';
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    if (!quiet) {
      log.push({
        path: url.pathname,
        method: req.method,
        at: Date.now(),
        attempt,
        webhook_id: id,
        webhook_timestamp: req.headers['webhook-timestamp'] ?? '',
        webhook_signature: req.headers['webhook-signature'] ?? '',
        content_type: req.headers['content-type'] ?? '',
        user_agent: req.headers['user-agent'] ?? '',
        verified: verifyWith(body, req.headers),
        servername: req.socket.servername ?? null,
        connection: socket.number,
        body,
      });
    }
    received += 1;
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'drop-reused' && socket.requests > 1) {
      socket.destroy();
    } else if (parts[0] === 'close') {
      res.setHeader('connection', 'close');
      res.end('ok, closing');
    } else if (parts[0] === 'fail' && attempt <= Number(parts[1])) {
      res.statusCode = 500;
      res.end('failing on purpose, attempt ' + attempt);
    } else if (parts[0] === 'retry-after' && attempt === 1) {
      res.statusCode = 503;
      res.setHeader('retry-after', parts[1]);
      res.end('busy');
    } else if (parts[0] === 'gone') {
      res.statusCode = 410;
      res.end('gone');
    } else if (parts[0] === 'redirect') {
      res.statusCode = 302;
      res.setHeader('location', '/ok');
      res.end();
    } else if (parts[0] === 'hang') {
      // Never answers; the sender's timeout must free its slot.
    } else if (parts[0] === 'slow') {
      setTimeout(() => { if (!res.destroyed) res.end('slow but ok'); }, Number(parts[1]));
    } else if (parts[0] === 'trickle') {
      res.writeHead(200, { 'content-length': '1000' });
      const timer = setInterval(() => {
        if (res.destroyed) clearInterval(timer); else res.write('x');
      }, 200);
    } else if (parts[0] === 'never-close') {
      // Raw bytes: a body delimited by the connection's end, which never comes.
      req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nstill going');
    } else if (parts[0] === 'huge') {
      res.statusCode = 200;
      const block = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= 10 * 1024 * 1024 || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(block);
        sent += block.length;
      }, 20);
    } else {
      res.statusCode = 200;
      res.end('ok');
    }
  });
}

const tls = process.argv.indexOf('--tls');
const server = tls > 0
  ? https.createServer({ cert: fs.readFileSync(process.argv[tls + 1]), key: fs.readFileSync(process.argv[tls + 2]) }, handle)
  : http.createServer(handle);
// Kept connections end when a test says so (/__close-idle), not on a timer that a slow, loaded
// machine between two deliveries could run into.
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  if (tls < 0) {
    process.stdout.write(`listening ${server.address().port}\n`);
    return;
  }
  // With TLS, the control routes are also served over plain HTTP on a second port, for a
  // test client that speaks no TLS: "listening <https port> control <http port>".
  const control = http.createServer(handle);
  control.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port} control ${control.address().port}\n`);
  });
});
